import type { Receipt } from '../contract/index.js';
import { CreditEvent } from './credit-event.js';

export interface CreditDebitedDetail {
  receipt: Receipt;
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
