import { CreditBalance } from './components/credit-balance/credit-balance.js';
import { CreditChat } from './components/credit-chat/credit-chat.js';
import { CreditMarkdown } from './components/credit-markdown/credit-markdown.js';

/** Registers the elements once; safe to import twice (two bundles on one page). */
export function defineCreditChatElements(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('credit-balance')) registry.define('credit-balance', CreditBalance);
  if (!registry.get('credit-markdown')) registry.define('credit-markdown', CreditMarkdown);
  if (!registry.get('credit-chat')) registry.define('credit-chat', CreditChat);
}

defineCreditChatElements();

declare global {
  interface HTMLElementTagNameMap {
    'credit-balance': CreditBalance;
    'credit-chat': CreditChat;
    'credit-markdown': CreditMarkdown;
  }
}
