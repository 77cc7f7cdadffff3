import { CreditEvent } from './credit-event.js';

export interface CreditErrorDetail {
  /** the API's error code (`provider_error`, `rate_limited`, ...) or `network` */
  code: string;
  /** HTTP status; 0 when the server could not be reached */
  status: number;
  message: string;
  /** in `<credit-chat>`, when an answer failed: the answer (once the server named it) and its conversation */
  messageId?: string;
  conversationId?: string;
}

/** Fired when a request of the element fails: loading, estimating or answering. */
export class CreditErrorEvent extends CreditEvent<CreditErrorDetail> {
  constructor(detail: CreditErrorDetail) {
    super('credit-error', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-error': CreditErrorEvent;
  }
}
