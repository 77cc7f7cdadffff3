import type { CreditChat } from '../../../src/components/credit-chat/credit-chat.js';

/** Types `prompt` into the chat's composer (`#prompt`, not an edit or comment field) and presses Enter, as a builder does. */
export async function typeAndSend(el: CreditChat, prompt: string): Promise<void> {
  const textarea = el.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea#prompt')!;
  textarea.focus();
  textarea.value = prompt;
  textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.updateComplete;
  textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
}
