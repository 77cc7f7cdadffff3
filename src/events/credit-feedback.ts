import type { FeedbackRating } from '../contract/chat.js';
import { CreditEvent } from './credit-event.js';
import type * as z from 'zod/mini';

export interface CreditFeedbackDetail {
  conversationId: string;
  messageId: string;
  rating: z.infer<typeof FeedbackRating>;
  /** the builder's comment, when they wrote one */
  comment?: string;
}

/** Fired when the builder rates an answer 👍/👎 (again when they add a comment); the server keeps it with the message. */
export class CreditFeedbackEvent extends CreditEvent<CreditFeedbackDetail> {
  constructor(detail: CreditFeedbackDetail) {
    super('credit-feedback', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-feedback': CreditFeedbackEvent;
  }
}
