import { CreditBuyEvent, type CreditBuyDetail } from '../../events/credit-buy.js';
import type { CreditElement } from './credit-element.js';

/**
 * "Get AI credits": fires `credit-buy`; unless the host cancels it, opens `<credit-purchase>`,
 * loaded only now (its own module, outside the core bundle).
 */
export function requestCredits(from: CreditElement, option: CreditBuyDetail['option']): void {
  if (from.dispatchEvent(new CreditBuyEvent({ option })) && option === 'credits') {
    void import('../../credit-purchase.js').then((m) => m.openCreditPurchase(from));
  }
}

/** Back from the payment page (`?credit_purchase=…`): loads `<credit-purchase>`, which shows how the purchase ended. */
export function resumePurchase(from: CreditElement): void {
  // the regular expression compiles only when the query can name a purchase (not on every element's connect)
  const search = window.location.search;
  if (search.includes('credit_purchase=') && /[?&]credit_purchase=/.test(search) && !customElements.get('credit-purchase')) {
    void import('../../credit-purchase.js').then((m) => m.openCreditPurchase(from));
  }
}
