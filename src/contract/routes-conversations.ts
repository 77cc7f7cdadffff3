import * as z from 'zod/mini';
import { Conversation, Feedback } from './chat.js';
import { ConversationDeleted, ConversationPatch, FeedbackRequest } from './conversations.js';
import { ErrorBody as E } from './errors.js';
import { IdParams, ResourceId, type RouteDef } from './route-def.js';

// What a builder does to a conversation: rename or switch version, delete, rate an answer (the table: routes.ts).

export const updateConversation = {
  id: 'updateConversation',
  method: 'PATCH',
  path: '/api/v1/conversations/{id}',
  auth: 'builder',
  summary: 'Rename a conversation (`title`), or show another version of a message (`activeMessageId`: its branch becomes the active one)',
  resource: 'conversation',
  params: IdParams,
  body: ConversationPatch,
  answers: { 200: Conversation, 400: E, 401: E, 403: E, 404: E, 413: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const deleteConversation = {
  id: 'deleteConversation',
  method: 'DELETE',
  path: '/api/v1/conversations/{id}',
  auth: 'builder',
  summary: "Delete one of the builder's conversations (its receipts stay in the ledger)",
  resource: 'conversation',
  params: IdParams,
  answers: { 200: ConversationDeleted, 401: E, 403: E, 404: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const putFeedback = {
  id: 'putFeedback',
  method: 'PUT',
  path: '/api/v1/conversations/{id}/messages/{messageId}/feedback',
  auth: 'builder',
  summary: 'Rate an answer 👍/👎 with an optional comment; kept with the message and returned by getConversation',
  resource: 'message',
  params: z.object({ id: ResourceId, messageId: ResourceId }),
  body: FeedbackRequest,
  answers: {
    200: z.object({ conversationId: z.string(), messageId: z.string(), feedback: Feedback }),
    400: E,
    401: E,
    403: E,
    404: E,
    413: E,
    429: E,
    500: E,
    503: E,
  },
} as const satisfies RouteDef;
