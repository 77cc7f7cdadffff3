import { html, nothing, type CSSResult, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Estimate, EstimateRequest, OperationType } from '../../contract/index.js';
import type { LocaleFormat } from '../../i18n/format.js';
import type { CreditStrings } from '../../i18n/strings.js';
import type { ChatEntry } from './chat-entry.js';
import type { ChatConversations } from './chat-conversations.js';
import type { ChatBranch } from './chat-session.js';
import { renderAnswerActions, renderPromptActions, type MessageActionsView } from './chat-message-actions.js';

type EditModule = typeof import('./chat-edit-editor.js');
type FeedbackModule = typeof import('./chat-feedback-form.js');
type ListModule = typeof import('./chat-conversation-list.js');

const EDIT_ESTIMATE_DEBOUNCE_MS = 300;

export interface ChatActionsOptions {
  text: () => CreditStrings;
  format: () => LocaleFormat;
  canSend: () => boolean;
  /** the workspace's own key pays: no credits to preview */
  byok: () => boolean;
  conversationId: () => string | undefined;
  estimate: (request: EstimateRequest) => Promise<Estimate>;
  send: (prompt: string, operation: OperationType, branch: ChatBranch) => Promise<void>;
  conversations: ChatConversations;
}

/**
 * What the builder does to the messages of `<credit-chat>` and to its conversations: Copy,
 * Regenerate (its cost first, then a new version), 👍/👎 with an optional comment, Edit and
 * resend (a new branch with its cost preview), the version switcher, and the conversation
 * list. The editor, the comment form and the list are modules of their own, loaded the first
 * time they are opened.
 */
export class ChatActions implements ReactiveController, MessageActionsView {
  copied: { id: string; ok: boolean } | null = null;
  /** the answer whose Regenerate waits for confirmation, with its cost once estimated */
  regenerating: { entry: ChatEntry; estimate: string | null } | null = null;
  editing: { entry: ChatEntry; draft: string; estimate: string } | null = null;
  feedbackFor: ChatEntry | null = null;
  listOpen = false;
  renaming: string | null = null;

  private editModule: EditModule | undefined;
  private feedbackModule: FeedbackModule | undefined;
  private listModule: ListModule | undefined;
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private estimateTicket = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: ChatActionsOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.editTimer);
  }

  get text(): CreditStrings {
    return this.options.text();
  }

  get canSend(): boolean {
    return this.options.canSend();
  }

  /** Closes what belongs to the conversation shown (another one was opened or started). */
  reset(): void {
    this.regenerating = null;
    this.editing = null;
    this.feedbackFor = null;
    this.host.requestUpdate();
  }

  // ---- the actions under a message

  renderActions(entry: ChatEntry) {
    return entry.role === 'user' ? renderPromptActions(this, entry) : renderAnswerActions(this, entry);
  }

  /** What follows an answer's actions: the regenerate confirmation or the comment form. */
  renderAnswerExtras(entry: ChatEntry) {
    const s = this.text;
    if (this.regenerating?.entry === entry) {
      const { estimate } = this.regenerating;
      return html`<div class="regenerate-confirm" role="group" aria-label=${s.regenerate}>
        <output class="regenerate-estimate">${s.regenerateCost(estimate ?? s.estimating)}</output>
        <button type="button" class="primary-button confirm-regenerate" ?disabled=${!this.canSend} @click=${() => this.confirmRegenerate()}>
          ${s.regenerateConfirm}
        </button>
        <button type="button" class="secondary-button" @click=${() => this.cancelRegenerate()}>${s.cancel}</button>
      </div>`;
    }
    if (this.feedbackFor === entry && this.feedbackModule) {
      return this.feedbackModule.renderFeedbackForm({
        text: s,
        messageId: entry.id,
        comment: entry.feedback?.comment ?? '',
        send: (comment) => this.sendComment(entry, comment),
        close: () => this.closeFeedback(),
      });
    }
    return nothing;
  }

  /** The editor in place of a prompt being edited; null when the prompt shows as it is. */
  renderEditor(entry: ChatEntry) {
    const editing = this.editing;
    if (editing?.entry !== entry || !this.editModule) return null;
    return this.editModule.renderEditEditor({
      text: this.text,
      messageId: entry.id,
      draft: editing.draft,
      estimate: editing.estimate,
      canSend: this.canSend,
      input: (value) => this.editInput(value),
      send: () => this.sendEdit(),
      cancel: () => this.cancelEdit(),
    });
  }

  async copy(entry: ChatEntry): Promise<void> {
    let ok = true;
    try {
      await navigator.clipboard.writeText(entry.content);
    } catch {
      ok = false;
    }
    this.copied = { id: entry.id, ok };
    this.host.requestUpdate();
  }

  regenerate(entry: ChatEntry): void {
    const conversationId = this.options.conversationId();
    if (!conversationId) return;
    this.regenerating = { entry, estimate: null };
    this.host.requestUpdate();
    void this.focusAfterUpdate('.confirm-regenerate');
    void this.estimateText({ operation: entry.operation, prompt: '', conversationId, regenerateOf: entry.id }).then((text) => {
      if (this.regenerating?.entry === entry) {
        this.regenerating = { entry, estimate: text };
        this.host.requestUpdate();
      }
    });
  }

  private confirmRegenerate(): void {
    const entry = this.regenerating?.entry;
    this.regenerating = null;
    if (entry) void this.options.send(entry.prompt ?? '', entry.operation, { regenerateOf: entry.id });
  }

  private cancelRegenerate(): void {
    this.regenerating = null;
    this.host.requestUpdate();
  }

  async rate(entry: ChatEntry, rating: 'up' | 'down'): Promise<void> {
    this.feedbackModule ??= this.adopt(await import('./chat-feedback-form.js'));
    this.feedbackFor = entry;
    const comment = entry.feedback?.comment;
    await this.options.conversations.rate(entry, comment ? { rating, comment } : { rating });
  }

  private sendComment(entry: ChatEntry, comment: string): void {
    const rating = entry.feedback?.rating;
    this.closeFeedback();
    if (rating) void this.options.conversations.rate(entry, comment ? { rating, comment } : { rating });
  }

  private closeFeedback(): void {
    const entry = this.feedbackFor;
    this.feedbackFor = null;
    this.host.requestUpdate();
    if (entry) void this.focusAfterUpdate(`[data-message-id="${CSS.escape(entry.id)}"] [part="feedback-up"]`);
  }

  async edit(entry: ChatEntry): Promise<void> {
    this.editModule ??= this.adopt(await import('./chat-edit-editor.js'));
    this.editing = { entry, draft: entry.content, estimate: this.text.estimating };
    this.host.requestUpdate();
    void this.focusAfterUpdate('.edit-editor textarea');
    this.estimateEdit();
  }

  private editInput(value: string): void {
    if (!this.editing) return;
    this.editing = { ...this.editing, draft: value };
    this.host.requestUpdate();
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => this.estimateEdit(), EDIT_ESTIMATE_DEBOUNCE_MS);
  }

  private estimateEdit(): void {
    const editing = this.editing;
    const conversationId = this.options.conversationId();
    if (!editing || !conversationId) return;
    const { entry, draft } = editing;
    void this.estimateText({ operation: entry.operation, prompt: draft.trim(), conversationId, editOf: entry.id }).then((text) => {
      if (this.editing?.entry === entry && this.editing.draft === draft) {
        this.editing = { ...this.editing, estimate: text };
        this.host.requestUpdate();
      }
    });
  }

  private sendEdit(): void {
    const editing = this.editing;
    const prompt = editing?.draft.trim();
    if (!editing || !prompt || !this.canSend) return;
    this.editing = null;
    clearTimeout(this.editTimer);
    void this.options.send(prompt, editing.entry.operation, { editOf: editing.entry.id });
  }

  private cancelEdit(): void {
    const entry = this.editing?.entry;
    this.editing = null;
    clearTimeout(this.editTimer);
    this.host.requestUpdate();
    if (entry) void this.focusAfterUpdate(`[data-message-id="${CSS.escape(entry.id)}"] [part="edit-button"]`);
  }

  showVersion(messageId: string): void {
    this.reset();
    void this.options.conversations.showVersion(messageId);
  }

  /** The cost preview of a regenerate or an edit, as the composer words it. */
  private async estimateText(request: EstimateRequest): Promise<string> {
    const s = this.text;
    if (this.options.byok()) return s.estimateByok;
    const ticket = ++this.estimateTicket;
    try {
      const estimate = await this.options.estimate(request);
      const f = this.options.format();
      return s.estimate(f.credits(estimate.expected), f.credits(estimate.max));
    } catch (error) {
      return ticket === this.estimateTicket ? s.actionFailed(error instanceof Error ? error.message : String(error)) : '';
    }
  }

  // ---- the conversation list

  async toggleList(): Promise<void> {
    if (this.listOpen) {
      this.closeList();
      return;
    }
    this.listModule ??= this.adopt(await import('./chat-conversation-list.js'));
    this.listOpen = true;
    this.host.requestUpdate();
    void this.focusAfterUpdate('.conversation-list .new-conversation');
    await this.options.conversations.refreshList();
  }

  private closeList(): void {
    this.listOpen = false;
    this.renaming = null;
    this.host.requestUpdate();
    void this.focusAfterUpdate('[part~="conversation-list-button"]');
  }

  renderList() {
    if (!this.listOpen || !this.listModule) return nothing;
    const conversations = this.options.conversations;
    return this.listModule.renderConversationList({
      text: this.text,
      format: this.options.format(),
      current: this.options.conversationId(),
      list: conversations.busy && !conversations.list ? null : conversations.list,
      renaming: this.renaming,
      open: (id) => {
        this.reset();
        this.listOpen = false;
        void conversations.open(id);
      },
      startNew: () => {
        this.reset();
        this.listOpen = false;
        conversations.startNew();
        void this.focusAfterUpdate('textarea#prompt');
      },
      startRename: (id) => {
        this.renaming = id;
        this.host.requestUpdate();
        if (id) void this.focusAfterUpdate('.rename-form input');
      },
      rename: (id, title) => {
        this.renaming = null;
        void conversations.rename(id, title).then(() => this.focusAfterUpdate(`[data-conversation-id="${CSS.escape(id)}"] .rename`));
      },
      remove: (id) => {
        void conversations.remove(id).then(() => this.focusAfterUpdate('.conversation-list .new-conversation'));
      },
      close: () => this.closeList(),
    });
  }

  /** A lazily loaded module's styles join the element's, once. */
  private adopt<M extends { styles: CSSResult }>(module: M): M {
    const root = this.host.shadowRoot;
    const sheet = module.styles.styleSheet;
    if (root && sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return module;
  }

  private async focusAfterUpdate(selector: string): Promise<void> {
    await (this.host as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    this.host.shadowRoot?.querySelector<HTMLElement>(selector)?.focus();
  }
}
