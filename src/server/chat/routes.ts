import type { Hono } from 'hono';
import { EstimateRequest, routes, type ConversationsResponse } from '../../contract/index.js';
import { API_BASE } from '../../contract/routes.js';
import { handle } from '../http/route.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody, pathId } from '../http/validate.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import { handleChat } from './chat-handler.js';
import { planChat } from './chat-input.js';
import { estimateOf } from '../metering/operation-plan.js';

/** POST /estimate, POST /chat, and the builder's conversations: list, read, rename or switch version, delete, rate an answer. */
export function mountChatRoutes(api: Hono<AppEnv>, ai: AiRuntime): void {
  api.post('/estimate', async (c) => {
    const ctx = c.get('builder');
    const body = await parseBody(c, EstimateRequest);
    const { plan } = await planChat(ai, ctx, await ai.providers.resolve(ctx), body);
    return c.json(estimateOf(plan));
  });
  api.post('/chat', (c) => handleChat(ai, c));
  api.get('/conversations', async (c) => c.json({ conversations: await ai.conversations.list(c.get('builder')) } satisfies ConversationsResponse));
  api.get('/conversations/:id', async (c) => c.json(await ai.conversations.get(c.get('builder'), pathId(c, 'id', 'conversation'))));
  handle(api, API_BASE, routes.updateConversation, (c, { params, body }) => ai.conversations.update(c.get('builder'), params.id, body));
  handle(api, API_BASE, routes.deleteConversation, (c, { params }) => ai.conversations.remove(c.get('builder'), params.id));
  handle(api, API_BASE, routes.putFeedback, (c, { params, body }) =>
    ai.conversations.setFeedback(c.get('builder'), params.id, params.messageId, body),
  );
}
