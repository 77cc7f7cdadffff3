import { CreditEvent } from './credit-event.js';

export interface CreditInsufficientDetail {
  /** credits the operation would reserve */
  needed: number;
  /** credits available when the server refused */
  available: number;
  /** in `<credit-chat>`: the conversation the refused message was for, when it had one */
  conversationId?: string;
  messageId?: string;
}

/** Fired when the server refuses an operation for lack of credits (402 `insufficient_credits`). */
export class CreditInsufficientEvent extends CreditEvent<CreditInsufficientDetail> {
  constructor(detail: CreditInsufficientDetail) {
    super('credit-insufficient', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-insufficient': CreditInsufficientEvent;
  }
}
