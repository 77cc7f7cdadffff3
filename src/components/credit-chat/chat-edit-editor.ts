import { html } from 'lit';
import type { CreditStrings } from '../../i18n/strings.js';
export { chatFormsStyles as styles } from './chat-forms.styles.js';

// The inline editor of a prompt of the builder's (Edit and resend): loaded the first time one is edited.

export interface EditEditorView {
  text: CreditStrings;
  messageId: string;
  draft: string;
  /** the cost preview of sending the edited prompt */
  estimate: string;
  canSend: boolean;
  input(value: string): void;
  send(): void;
  cancel(): void;
}

export function renderEditEditor(view: EditEditorView) {
  const s = view.text;
  const id = `edit-${view.messageId}`;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      view.cancel();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      view.send();
    }
  };
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    view.send();
  };
  return html`<form class="edit-editor" @submit=${onSubmit}>
    <label class="sr-only" for=${id}>${s.editLabel}</label>
    <textarea
      id=${id}
      rows="3"
      .value=${view.draft}
      aria-describedby="${id}-estimate"
      @input=${(event: InputEvent) => view.input((event.target as HTMLTextAreaElement).value)}
      @keydown=${onKeyDown}
    ></textarea>
    <output id="${id}-estimate" class="estimate edit-estimate">${view.estimate}</output>
    <div class="edit-actions">
      <button type="submit" class="primary-button" ?disabled=${!view.canSend || !view.draft.trim()}>${s.editSend}</button>
      <button type="button" class="secondary-button" @click=${() => view.cancel()}>${s.cancel}</button>
    </div>
  </form>`;
}
