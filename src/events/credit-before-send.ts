import type { OperationType } from '../contract/index.js';
import { CreditEvent } from './credit-event.js';

export interface CreditBeforeSendDetail {
  operation: OperationType;
  prompt: string;
  conversationId: string | undefined;
  /** a new version of this answer (Regenerate) */
  regenerateOf?: string;
  /** this earlier prompt of the builder's, edited (a new branch) */
  editOf?: string;
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
