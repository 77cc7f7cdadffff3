import type { Hono } from 'hono';
import { routes } from '../../contract/index.js';
import { API_BASE } from '../../contract/routes.js';
import { handle } from '../http/route.js';
import type { AppEnv } from '../http/auth.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import { handleChat } from './chat-handler.js';
import { planChat } from './chat-input.js';
import { estimateOf } from '../metering/operation-plan.js';

/** POST /estimate, POST /chat, and the builder's conversations: list, read, rename or switch version, delete, rate an answer. */
export function mountChatRoutes(api: Hono<AppEnv>, ai: AiRuntime): void {
  handle(api, API_BASE, routes.estimate, async (c, { body }) => {
    const ctx = c.get('builder');
    const { plan } = await planChat(ai, ctx, await ai.providers.resolve(ctx), body);
    return estimateOf(plan);
  });
  handle(api, API_BASE, routes.chat, (c, { body }) => handleChat(ai, c, body));
  handle(api, API_BASE, routes.listConversations, async (c) => ({ conversations: await ai.conversations.list(c.get('builder')) }));
  handle(api, API_BASE, routes.getConversation, (c, { params }) => ai.conversations.get(c.get('builder'), params.id));
  handle(api, API_BASE, routes.updateConversation, (c, { params, body }) => ai.conversations.update(c.get('builder'), params.id, body));
  handle(api, API_BASE, routes.deleteConversation, (c, { params }) => ai.conversations.remove(c.get('builder'), params.id));
  handle(api, API_BASE, routes.putFeedback, (c, { params, body }) =>
    ai.conversations.setFeedback(c.get('builder'), params.id, params.messageId, body),
  );
}
