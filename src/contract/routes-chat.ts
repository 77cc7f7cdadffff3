import { CHAT_EVENTS, ChatRequest, Conversation, ConversationsResponse, Estimate, EstimateRequest } from './chat.js';
import { ErrorBody as E } from './errors.js';
import { defineRoute, IdParams, RETRY_AFTER, type RouteDef } from './route-def.js';

// The AI operations' routes for builders: estimate, chat, conversations (the table: routes.ts).

/** `estimate` as the browser calls it. */
export const estimateCall = { method: 'POST', path: '/api/v1/estimate', answers: { 200: Estimate } } as const;
export const estimate = /* @__PURE__ */ defineRoute(estimateCall, {
  id: 'estimate',
  auth: 'builder',
  summary: 'What an operation is expected to cost',
  body: EstimateRequest,
  answers: { 400: E, 401: E, 403: E, 404: E, 413: E, 429: E, 500: E, 503: E },
});

/** `chat` as the browser calls it: a stream of CHAT_EVENTS. */
export const chatCall = { method: 'POST', path: '/api/v1/chat', answers: { 200: { events: CHAT_EVENTS } } } as const;
export const chat = /* @__PURE__ */ defineRoute(chatCall, {
  id: 'chat',
  auth: 'builder',
  summary: 'Estimate, reserve, stream and settle one AI operation: server-sent events `reserved`, `delta`..., then `settled` or `error`',
  body: ChatRequest,
  answers: {
    400: E,
    401: E,
    402: E,
    403: E,
    404: E,
    409: { json: E, description: 'conflict: this idempotency key is still being answered', headers: RETRY_AFTER },
    413: E,
    422: E,
    429: { json: E, description: 'rate_limited or too_many_streams', headers: RETRY_AFTER },
    500: E,
    502: E,
    503: E,
  },
});

export const listConversations = {
  id: 'listConversations',
  method: 'GET',
  path: '/api/v1/conversations',
  auth: 'builder',
  summary: "The builder's conversations",
  answers: { 200: ConversationsResponse, 401: E, 403: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const getConversation = {
  id: 'getConversation',
  method: 'GET',
  path: '/api/v1/conversations/{id}',
  auth: 'builder',
  summary: 'One conversation with its messages and receipts',
  resource: 'conversation',
  params: IdParams,
  answers: { 200: Conversation, 401: E, 403: E, 404: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;
