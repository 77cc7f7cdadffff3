import { html, nothing } from 'lit';
import type { ConversationSummary } from '../../contract/index.js';
import type { LocaleFormat } from '../../i18n/format.js';
import type { CreditStrings } from '../../i18n/strings.js';
export { chatFormsStyles as styles } from './chat-forms.styles.js';

// The conversation list drawer of <credit-chat>: loaded the first time the builder opens it.

export interface ConversationListView {
  text: CreditStrings;
  format: LocaleFormat;
  /** the open conversation */
  current: string | undefined;
  /** null while loading */
  list: ConversationSummary[] | null;
  /** the conversation whose title is being edited */
  renaming: string | null;
  open(id: string): void;
  startNew(): void;
  startRename(id: string | null): void;
  rename(id: string, title: string): void;
  remove(id: string): void;
  close(): void;
}

export function renderConversationList(view: ConversationListView) {
  const s = view.text;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    if (view.renaming) view.startRename(null);
    else view.close();
  };
  return html`<section class="conversation-list" part="conversation-list" aria-label=${s.conversations} @keydown=${onKeyDown}>
    <div class="conversation-list-header">
      <h3>${s.conversations}</h3>
      <button type="button" class="secondary-button new-conversation" @click=${() => view.startNew()}>${s.newConversation}</button>
      <button type="button" class="icon-button close-list" aria-label=${s.close} @click=${() => view.close()}>✕</button>
    </div>
    ${view.list === null
      ? html`<p role="status">${s.conversationsLoading}</p>`
      : view.list.length === 0
        ? html`<p>${s.noConversations}</p>`
        : html`<ul>
            ${view.list.map((c) => renderItem(view, c))}
          </ul>`}
  </section>`;
}

function renderItem(view: ConversationListView, c: ConversationSummary) {
  const s = view.text;
  if (view.renaming === c.id) {
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      const input = (event.currentTarget as HTMLFormElement).elements.namedItem('title') as HTMLInputElement;
      const title = input.value.trim();
      if (title) view.rename(c.id, title);
    };
    return html`<li data-conversation-id=${c.id}>
      <form class="rename-form" @submit=${onSubmit}>
        <label class="sr-only" for="rename-${c.id}">${s.renameLabel}</label>
        <input id="rename-${c.id}" name="title" maxlength="200" .value=${c.title} autofocus />
        <button type="submit" class="primary-button">${s.save}</button>
        <button type="button" class="secondary-button" @click=${() => view.startRename(null)}>${s.cancel}</button>
      </form>
    </li>`;
  }
  const current = c.id === view.current;
  return html`<li data-conversation-id=${c.id} class=${current ? 'current' : ''}>
    <button type="button" class="open-conversation" aria-current=${current ? 'true' : nothing} @click=${() => view.open(c.id)}>
      <span class="conversation-title">${c.title}</span>
      <span class="conversation-meta">${s.messageCount(view.format.integer(c.messageCount))}</span>
    </button>
    <button type="button" class="secondary-button rename" aria-label="${s.rename}: ${c.title}" @click=${() => view.startRename(c.id)}>
      ${s.rename}
    </button>
    <button type="button" class="secondary-button delete" aria-label="${s.deleteConversation}: ${c.title}" @click=${() => view.remove(c.id)}>
      ${s.deleteConversation}
    </button>
  </li>`;
}
