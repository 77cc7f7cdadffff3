import type { Hono } from 'hono';
import { EstimateRequest, type ConversationsResponse } from '../../contract/index.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody, pathId } from '../http/validate.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import { handleChat } from './chat-handler.js';
import { planChat } from './chat-input.js';
import { estimateOf } from '../metering/operation-plan.js';

/** POST /estimate, POST /chat, GET /conversations and GET /conversations/{id}, for builders. */
export function mountChatRoutes(api: Hono<AppEnv>, ai: AiRuntime): void {
  api.post('/estimate', async (c) => {
    const ctx = c.get('builder');
    const body = await parseBody(c, EstimateRequest);
    const plan = await planChat(ai, ctx, await ai.providers.resolve(ctx), body);
    return c.json(estimateOf(plan));
  });
  api.post('/chat', (c) => handleChat(ai, c));
  api.get('/conversations', async (c) => c.json({ conversations: await ai.conversations.list(c.get('builder')) } satisfies ConversationsResponse));
  api.get('/conversations/:id', async (c) => c.json(await ai.conversations.get(c.get('builder'), pathId(c, 'id', 'conversation'))));
}
