import type { Receipt } from '../contract/index.js';
import { CreditEvent } from './credit-event.js';

export interface CreditDebitedDetail {
  receipt: Receipt;
  /** the answer the receipt is for, and its conversation (absent when the server never named them) */
  messageId?: string;
  conversationId?: string;
}

/** Fired when the server settles an answer with a receipt (also a partial charge of a failed answer). */
export class CreditDebitedEvent extends CreditEvent<CreditDebitedDetail> {
  constructor(detail: CreditDebitedDetail) {
    super('credit-debited', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-debited': CreditDebitedEvent;
  }
}
