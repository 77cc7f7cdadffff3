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

export const MessageId = z.string().check(z.minLength(1), z.maxLength(64));
const messageId = MessageId;

/** `regenerateOf` and `editOf` name a message of `conversationId`: it must be given with them. */
const inConversation = z.refine<{ conversationId?: string; regenerateOf?: string; editOf?: string }>(
  (body) =>
    body.conversationId !== undefined || (body.regenerateOf === undefined && body.editOf === undefined),
  { message: 'is required with regenerateOf or editOf', path: ['conversationId'] },
);
const oneOfRegenerateOrEdit = z.refine<{ regenerateOf?: string; editOf?: string }>(
  (body) => body.regenerateOf === undefined || body.editOf === undefined,
  { message: 'cannot be given with editOf', path: ['regenerateOf'] },
);

export const EstimateRequest = z
  .strictObject({
    operation: OperationType,
    prompt: z.string().check(z.maxLength(MAX_PROMPT_CHARS, { message: `must be at most ${MAX_PROMPT_CHARS} characters` })),
    conversationId: z.optional(conversationId),
    /** estimate a new version of this answer (the prompt is the one it answered; `prompt` is ignored) */
    regenerateOf: z.optional(messageId),
    /** estimate `prompt` sent in place of this earlier prompt of the builder's (a new branch) */
    editOf: z.optional(messageId),
  })
  .check(inConversation, oneOfRegenerateOrEdit);
export type EstimateRequest = z.infer<typeof EstimateRequest>;

export const Estimate = z.object({
  operation: OperationType,
  expected: Credits,
  max: Credits,
  inputTokens: z.number().check(z.int(), z.nonnegative()),
  basis: z.enum(['average', 'history']),
});
export type Estimate = z.infer<typeof Estimate>;

/**
 * One AI operation. In a conversation, the prompt follows the active branch's last message;
 * `regenerateOf` (an answer) answers that answer's prompt again, as a new version of it (no
 * `prompt`); `editOf` (a prompt of the builder's) sends `prompt` in its place, as a new branch.
 */
export const ChatRequest = z
  .strictObject({
    operation: OperationType,
    /** required, except with regenerateOf */
    prompt: z.optional(prompt),
    conversationId: z.optional(conversationId),
    idempotencyKey: IdempotencyKey,
    regenerateOf: z.optional(messageId),
    editOf: z.optional(messageId),
  })
  .check(
    z.refine((body) => body.prompt !== undefined || body.regenerateOf !== undefined, { message: 'is required', path: ['prompt'] }),
    inConversation,
    oneOfRegenerateOrEdit,
  );
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

export const FeedbackRating = z.enum(['up', 'down']);
export const Feedback = z.object({ rating: FeedbackRating, comment: z.optional(z.string()), updatedAt: IsoDateTime });
export type Feedback = z.infer<typeof Feedback>;

export const Message = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  operation: OperationType,
  content: z.string(),
  status: MessageStatus,
  receipt: z.nullable(Receipt),
  createdAt: IsoDateTime,
  /** the message this one follows (null for a conversation's first prompt) */
  parentId: z.optional(z.nullable(z.string())),
  /**
   * The versions at this place, oldest first, this message among them: the regenerated
   * answers to one prompt, or the edited prompts after one message. `1/2` is
   * `versions.indexOf(id) + 1` of `versions.length`.
   */
  versions: z.optional(z.array(z.string())),
  /** the builder's 👍/👎 on an answer */
  feedback: z.optional(z.nullable(Feedback)),
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
  /** the active branch, first prompt to last answer */
  messages: z.array(Message),
  /** the last message of the active branch */
  activeMessageId: z.optional(z.nullable(z.string())),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Conversation = z.infer<typeof Conversation>;

