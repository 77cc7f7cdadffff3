import * as z from 'zod/mini';
import { Credits, IdempotencyKey, IsoDateTime } from './credits.js';
import { Receipt } from './ledger.js';
import { OperationType } from './operations.js';

export const MAX_PROMPT_CHARS = 20_000;

const prompt = z.string().check(
  z.minLength(1, { message: 'must not be empty' }),
  z.maxLength(MAX_PROMPT_CHARS, { message: `must be at most ${MAX_PROMPT_CHARS} characters` }),
);
const conversationId = z.string().check(z.minLength(1), z.maxLength(64));

export const EstimateRequest = z.strictObject({
  operation: OperationType,
  prompt: z.string().check(z.maxLength(MAX_PROMPT_CHARS, { message: `must be at most ${MAX_PROMPT_CHARS} characters` })),
  conversationId: z.optional(conversationId),
});
export type EstimateRequest = z.infer<typeof EstimateRequest>;

export const Estimate = z.object({
  operation: OperationType,
  expected: Credits,
  max: Credits,
  inputTokens: z.number().check(z.int(), z.nonnegative()),
  basis: z.enum(['average', 'history']),
});
export type Estimate = z.infer<typeof Estimate>;

export const ChatRequest = z.strictObject({
  operation: OperationType,
  prompt,
  conversationId: z.optional(conversationId),
  idempotencyKey: IdempotencyKey,
});
export type ChatRequest = z.infer<typeof ChatRequest>;

/** Server-sent events of `POST /chat`, one schema per event name. */
export const ChatReserved = z.object({
  /** null when the workspace's own key pays (BYOK): nothing is held */
  holdId: z.nullable(z.string()),
  credits: Credits,
  estimate: Estimate,
  conversationId: z.string(),
  messageId: z.string(),
});
export const ChatDelta = z.object({ text: z.string() });
export const ChatSettled = z.object({ receipt: Receipt });
export const ChatError = z.object({
  code: z.string(),
  message: z.string(),
  /** credits charged for what was produced before the failure; 0 means not charged */
  charged: Credits,
  receipt: z.optional(Receipt),
  retryAfter: z.optional(z.number()),
});
export type ChatReserved = z.infer<typeof ChatReserved>;
export type ChatDelta = z.infer<typeof ChatDelta>;
export type ChatSettled = z.infer<typeof ChatSettled>;
export type ChatError = z.infer<typeof ChatError>;

export const CHAT_EVENTS = { reserved: ChatReserved, delta: ChatDelta, settled: ChatSettled, error: ChatError } as const;
export type ChatEvent =
  | { event: 'reserved'; data: ChatReserved }
  | { event: 'delta'; data: ChatDelta }
  | { event: 'settled'; data: ChatSettled }
  | { event: 'error'; data: ChatError };

export const MessageStatus = z.enum(['streaming', 'complete', 'stopped', 'failed']);

export const Message = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  operation: OperationType,
  content: z.string(),
  status: MessageStatus,
  receipt: z.nullable(Receipt),
  createdAt: IsoDateTime,
});
export type Message = z.infer<typeof Message>;

export const ConversationSummary = z.object({
  id: z.string(),
  title: z.string(),
  operation: OperationType,
  messageCount: z.number(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const ConversationsResponse = z.object({ conversations: z.array(ConversationSummary) });
export type ConversationsResponse = z.infer<typeof ConversationsResponse>;

export const Conversation = z.object({
  id: z.string(),
  title: z.string(),
  messages: z.array(Message),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Conversation = z.infer<typeof Conversation>;
