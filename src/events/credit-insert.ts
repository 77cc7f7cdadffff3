import { CreditEvent } from './credit-event.js';

export interface CreditInsertDetail {
  text: string;
  /** the code block's language tag, '' when it has none */
  language: string;
  /** in `<credit-chat>`: the answer the code block is in, and its conversation */
  messageId?: string;
  conversationId?: string;
}

/** Fired when the builder presses Insert on a code block of an answer; the host puts the code in its editor. */
export class CreditInsertEvent extends CreditEvent<CreditInsertDetail> {
  constructor(detail: CreditInsertDetail) {
    super('credit-insert', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-insert': CreditInsertEvent;
  }
}
