import { html, nothing } from 'lit';
import type { CreditStrings } from '../../i18n/strings.js';
import { isServerMessage, type ChatEntry } from './chat-entry.js';

// The actions under each message of <credit-chat>: Copy, Regenerate and 👍/👎 on answers, Edit
// on the builder's prompts, and the `1/2` switcher where a message has versions.

export interface MessageActionsView {
  text: CreditStrings;
  /** whether a new answer may be asked for now (nothing streams, online, ...) */
  canSend: boolean;
  /** the answer whose Copy just succeeded (or failed) */
  copied: { id: string; ok: boolean } | null;
  copy(entry: ChatEntry): void;
  regenerate(entry: ChatEntry): void;
  rate(entry: ChatEntry, rating: 'up' | 'down'): void;
  edit(entry: ChatEntry): void;
  showVersion(messageId: string): void;
}

export function renderVersions(view: MessageActionsView, entry: ChatEntry) {
  const versions = entry.versions;
  if (!versions || versions.length < 2) return nothing;
  const s = view.text;
  const index = versions.indexOf(entry.id);
  const position = String(index + 1);
  const count = String(versions.length);
  return html`<span class="versions" role="group" aria-label=${s.versionLabel(position, count)}>
    <button
      type="button"
      class="icon-button previous-version"
      aria-label=${s.previousVersion}
      ?disabled=${index <= 0 || !view.canSend}
      @click=${() => view.showVersion(versions[index - 1]!)}
    >
      ‹
    </button>
    <span class="version-position" aria-hidden="true">${s.versionOf(position, count)}</span>
    <button
      type="button"
      class="icon-button next-version"
      aria-label=${s.nextVersion}
      ?disabled=${index >= versions.length - 1 || !view.canSend}
      @click=${() => view.showVersion(versions[index + 1]!)}
    >
      ›
    </button>
  </span>`;
}

export function renderAnswerActions(view: MessageActionsView, entry: ChatEntry) {
  if (entry.status === 'streaming') return nothing;
  const s = view.text;
  const known = isServerMessage(entry);
  const rating = entry.feedback?.rating;
  const copied = view.copied?.id === entry.id ? view.copied : null;
  return html`<div class="message-actions" part="message-actions" role="group" aria-label=${s.messageActions}>
    ${renderVersions(view, entry)}
    ${entry.content
      ? html`<button type="button" class="action" part="copy-button" @click=${() => view.copy(entry)}>
          ${copied ? (copied.ok ? s.copied : s.copyFailed) : s.copy}<span class="sr-only">: ${s.copyAnswer}</span>
        </button>`
      : nothing}
    ${known && entry.prompt !== undefined
      ? html`<button type="button" class="action" part="regenerate-button" ?disabled=${!view.canSend} @click=${() => view.regenerate(entry)}>
          ${s.regenerate}
        </button>`
      : nothing}
    ${known && entry.status !== 'failed'
      ? html`<button
            type="button"
            class="action feedback"
            part="feedback-up"
            aria-label=${s.feedbackUp}
            aria-pressed=${rating === 'up' ? 'true' : 'false'}
            @click=${() => view.rate(entry, 'up')}
          >
            👍
          </button>
          <button
            type="button"
            class="action feedback"
            part="feedback-down"
            aria-label=${s.feedbackDown}
            aria-pressed=${rating === 'down' ? 'true' : 'false'}
            @click=${() => view.rate(entry, 'down')}
          >
            👎
          </button>`
      : nothing}
  </div>`;
}

export function renderPromptActions(view: MessageActionsView, entry: ChatEntry) {
  const hasVersions = (entry.versions?.length ?? 0) > 1;
  if (!isServerMessage(entry) && !hasVersions) return nothing;
  const s = view.text;
  return html`<div class="message-actions" part="message-actions" role="group" aria-label=${s.messageActions}>
    ${renderVersions(view, entry)}
    ${isServerMessage(entry)
      ? html`<button type="button" class="action" part="edit-button" ?disabled=${!view.canSend} @click=${() => view.edit(entry)}>
          ${s.edit}
        </button>`
      : nothing}
  </div>`;
}
