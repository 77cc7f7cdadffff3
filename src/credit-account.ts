// `<credit-account>`: a module of its own, outside the core bundle.
import { CreditAccount } from './components/credit-account/credit-account.js';

export { CreditAccount } from './components/credit-account/credit-account.js';

if (!customElements.get('credit-account')) customElements.define('credit-account', CreditAccount);

declare global {
  interface HTMLElementTagNameMap {
    'credit-account': CreditAccount;
  }
}
