// `<credit-purchase>`: a module of its own, outside the core bundle. The core's "Get AI
// credits" buttons import it when they are pressed (and the host does not cancel credit-buy).
import { CreditPurchase } from './components/credit-purchase/credit-purchase.js';
import type { CreditElement } from './components/shared/credit-element.js';

export { CreditPurchase, formatMoney, PURCHASE_PRESETS } from './components/credit-purchase/credit-purchase.js';

if (!customElements.get('credit-purchase')) customElements.define('credit-purchase', CreditPurchase);

/**
 * Opens the page's `<credit-purchase>` (made and added to the body when there is none), with
 * the API settings of the element the builder pressed "Get AI credits" in.
 */
export function openCreditPurchase(from?: CreditElement): CreditPurchase {
  let dialog = document.querySelector('credit-purchase');
  if (!dialog) dialog = document.body.appendChild(document.createElement('credit-purchase'));
  if (from) {
    dialog.apiBase = from.apiBase;
    dialog.token = from.token;
    dialog.getToken = from.getToken;
    dialog.queryClient = from.queryClient;
    dialog.locale = from.locale;
    dialog.theme = from.theme;
  }
  dialog.show();
  return dialog;
}

declare global {
  interface HTMLElementTagNameMap {
    'credit-purchase': CreditPurchase;
  }
}
