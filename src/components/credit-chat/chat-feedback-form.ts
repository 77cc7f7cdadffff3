import { html } from 'lit';
import type { CreditStrings } from '../../i18n/strings.js';
export { chatFormsStyles as styles } from './chat-forms.styles.js';

// The optional comment after a 👍/👎: loaded the first time the builder rates an answer.

export interface FeedbackFormView {
  text: CreditStrings;
  messageId: string;
  comment: string;
  send(comment: string): void;
  close(): void;
}

export function renderFeedbackForm(view: FeedbackFormView) {
  const s = view.text;
  const id = `feedback-${view.messageId}`;
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const field = (event.currentTarget as HTMLFormElement).elements.namedItem('comment') as HTMLTextAreaElement;
    view.send(field.value.trim());
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    view.close();
  };
  return html`<form class="feedback-form" @submit=${onSubmit} @keydown=${onKeyDown}>
    <label for=${id}>${s.feedbackComment}</label>
    <textarea id=${id} name="comment" rows="2" maxlength="2000" .value=${view.comment}></textarea>
    <div class="edit-actions">
      <button type="submit" class="primary-button">${s.feedbackSend}</button>
      <button type="button" class="secondary-button" @click=${() => view.close()}>${s.cancel}</button>
    </div>
  </form>`;
}
