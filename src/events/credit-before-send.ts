import type { OperationType } from '../contract/index.js';
import { CreditEvent } from './credit-event.js';

export interface CreditBeforeSendDetail {
  operation: OperationType;
  prompt: string;
  conversationId: string | undefined;
}

/** Fired when the builder sends a message, before anything is reserved; cancel it to keep the message from being sent. */
export class CreditBeforeSendEvent extends CreditEvent<CreditBeforeSendDetail> {
  constructor(detail: CreditBeforeSendDetail) {
    super('credit-before-send', detail, true);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-before-send': CreditBeforeSendEvent;
  }
}
