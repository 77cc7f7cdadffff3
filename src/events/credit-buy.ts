import { CreditEvent } from './credit-event.js';

export interface CreditBuyDetail {
  /** `credits`: buy add-on credits; `own-key`: set up the workspace's own provider key (BYOK) */
  option: 'credits' | 'own-key';
}

/**
 * Fired when the builder asks for more AI credits. For `credits`, the element then opens
 * `<credit-purchase>` unless the host cancels the event (`preventDefault()`) to run its own flow.
 */
export class CreditBuyEvent extends CreditEvent<CreditBuyDetail> {
  constructor(detail: CreditBuyDetail) {
    super('credit-buy', detail, true);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-buy': CreditBuyEvent;
  }
}
