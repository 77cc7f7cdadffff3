import * as z from 'zod/mini';
import { FeedbackRating, MessageId } from './chat.js';

// The bodies of the conversation routes that change a conversation (routes-conversations.ts);
// apart from chat.ts, so that the browser bundle, which reads chat.ts, does not carry them.

export const FeedbackRequest = z.strictObject({
  rating: FeedbackRating,
  comment: z.optional(z.string().check(z.maxLength(2000, { message: 'must be at most 2000 characters' }))),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

const title = z.string().check(
  z.minLength(1, { message: 'must not be empty' }),
  z.maxLength(200, { message: 'must be at most 200 characters' }),
  z.refine((v) => v.trim().length > 0, { message: 'must not be blank' }),
);
/** PATCH /conversations/{id}: rename, or show another version (the branch through `activeMessageId`, to its newest end). */
export const ConversationPatch = z
  .strictObject({ title: z.optional(title), activeMessageId: z.optional(MessageId) })
  .check(z.refine((body) => body.title !== undefined || body.activeMessageId !== undefined, { message: 'is required', path: ['title'] }));
export type ConversationPatch = z.infer<typeof ConversationPatch>;
export const ConversationDeleted = z.object({ id: z.string(), deleted: z.literal(true) });
export type ConversationDeleted = z.infer<typeof ConversationDeleted>;
