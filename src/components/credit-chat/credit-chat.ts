import { adoptStyles, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { onlineManager, type MutationObserverOptions, type QueryClient } from '@tanstack/query-core';
import type { ChatOutcome, CreditApiClient, CreditApiError } from '../../client/api-client.js';
import { MutationController, QueryController } from '../../client/controllers.js';
import {
  balanceQueryOptions,
  chatMutationOptions,
  creditKeys,
  estimateQuery,
  estimateQueryOptions,
  operationsQueryOptions,
  type ChatVariables,
} from '../../client/query.js';
import { OPERATION_TYPES } from '../../contract/operations.js';
import type {
  Balance,
  Estimate,
  EstimateRequest,
  Message,
  Operation,
  OperationType,
  OperationsResponse,
} from '../../contract/index.js';
import { CreditBeforeSendEvent } from '../../events/credit-before-send.js';
import { CreditErrorEvent } from '../../events/credit-error.js';
import { CreditMarkdown } from '../credit-markdown/credit-markdown.js';
import { warmUpParser } from '../markdown/markdown-stream.js';
import { requestCredits } from '../shared/buy-credits.js';
import { CreditElement } from '../shared/credit-element.js';
import { themeStyles } from '../shared/theme.styles.js';
import type { Conversation } from '../../contract/index.js';
import { ChatActions } from './chat-actions.js';
import { ChatConversations } from './chat-conversations.js';
import { entryFromMessage, mergeEntries, messageFromEntry, type AnswerFailure, type ChatEntry } from './chat-entry.js';
import { ChatSession, type ChatBranch } from './chat-session.js';
import './threshold-banner.js';
import { creditChatShellStyles, creditChatStyles } from './credit-chat.styles.js';

/** Messages shown at first, and added by each "Show earlier messages". */
const WINDOW_PAGE = 40;
const ESTIMATE_DEBOUNCE_MS = 300;

/**
 * @tag credit-chat
 * @summary The AI chat panel of an app builder: pick an operation, see what it will cost, send,
 * read the answer as it streams, and get a receipt of what was charged.
 *
 * @event {CreditBeforeSendEvent} credit-before-send - The builder sends a message; cancelable (nothing is sent). `{ operation, prompt, conversationId, regenerateOf?, editOf? }`
 * @event {CreditDebitedEvent} credit-debited - The server settled an answer with a receipt `{ receipt, messageId, conversationId }`.
 * @event {CreditFeedbackEvent} credit-feedback - The builder rated an answer 👍/👎 (again with a comment) `{ messageId, conversationId, rating, comment? }`; the server keeps it.
 * @event {CreditInsufficientEvent} credit-insufficient - The server refused for lack of credits `{ needed, available }`.
 * @event {CreditBuyEvent} credit-buy - The builder asked for credits `{ option: 'credits' | 'own-key' }`; for `credits`, `<credit-purchase>` opens unless the host cancels it.
 * @event {CreditInsertEvent} credit-insert - The builder pressed Insert on a code block `{ text, language, messageId, conversationId }`.
 * @event {CreditErrorEvent} credit-error - Loading or answering failed `{ code, status, message }`.
 *
 * @csspart header - The header with the title and the balance.
 * @csspart conversation-list-button - The header's button that opens the conversation list.
 * @csspart conversation-list - The list of the builder's conversations: open, rename, delete, start one.
 * @csspart balance - The `<credit-balance>` in the header.
 * @csspart messages - The scrolling conversation.
 * @csspart message - Each message (also `user-message` or `assistant-message`); it carries `data-message-id`.
 * @csspart message-actions - The actions under a message.
 * @csspart copy-button - Copy an answer's markdown.
 * @csspart regenerate-button - Regenerate an answer: its cost first, then a new version (`1/2` with arrows).
 * @csspart feedback-up - 👍 on an answer.
 * @csspart feedback-down - 👎 on an answer.
 * @csspart edit-button - Edit one of the builder's prompts and send it again, as a new branch.
 * @csspart jump-to-latest - Shown while the reader is scrolled up: back to the newest message, with the count of new ones.
 * @csspart code-block - A code block of an answer, with its Copy and Insert buttons.
 * @csspart receipt - The receipt under an answer.
 * @csspart composer - The form with the picker, the prompt and the buttons.
 * @csspart operation-picker - The operation select, each type with its estimate.
 * @csspart estimate - The live estimate of the message being written.
 * @csspart send-button - The Send button.
 * @csspart stop-button - The Stop button, while an answer streams.
 *
 * @cssproperty --credit-chat-height - Height of the panel (default 600px).
 * @cssproperty --credit-chat-background - Background.
 * @cssproperty --credit-chat-color - Text color.
 * @cssproperty --credit-chat-muted-color - Secondary text.
 * @cssproperty --credit-chat-border-color - Borders.
 * @cssproperty --credit-chat-surface - Raised surfaces (answers, notices).
 * @cssproperty --credit-chat-accent - Buttons, links and the focus ring.
 * @cssproperty --credit-chat-accent-contrast - Text on the accent color.
 * @cssproperty --credit-chat-danger - Failures.
 * @cssproperty --credit-chat-warning-background - Background of warnings (low balance, insufficient credits).
 * @cssproperty --credit-chat-warning-color - Text of warnings.
 * @cssproperty --credit-chat-code-background - Code blocks.
 * @cssproperty --credit-chat-user-background - The builder's messages.
 * @cssproperty --credit-chat-radius - Corner radius.
 * @cssproperty --credit-chat-font - Font shorthand.
 * @cssproperty --credit-chat-code-font - Font shorthand of code.
 */
export class CreditChat extends CreditElement {
  /** What the shell needs of the styles; the rest is adopted at the first update. */
  private static readonly shellStyles = [themeStyles, creditChatShellStyles];
  static override styles = [...CreditChat.shellStyles, creditChatStyles];

  /** The operation type the next message is sent as; the builder changes it with the picker. */
  @property({ reflect: true }) operation: OperationType = 'docs_assistant';

  /** The server's conversation the messages continue; set by the element from the first answer. */
  @property({ attribute: 'conversation-id', reflect: true }) conversationId?: string;

  /** Passed to the header's `<credit-balance>`: at or below it the balance shows as low. */
  @property({ attribute: 'low-threshold', type: Number }) lowThreshold?: number;

  /** The workspace may use its own provider key: offer "Use your own key" when credits run out. */
  @property({ attribute: 'byok-available', type: Boolean, reflect: true }) byokAvailable = false;

  @state() private draft = '';
  /** The draft as the estimate sees it: follows the draft after a pause in typing. */
  @state() private estimatePrompt = '';
  @state() private windowSize = WINDOW_PAGE;
  @state() private online = onlineManager.isOnline();
  /** the reader is at the end of the conversation: new messages scroll into view */
  @state() private pinnedToEnd = true;
  /** messages added while the reader was scrolled up */
  @state() private unseen = 0;
  private seenCount = 0;

  @query('.messages') private messagesElement?: HTMLElement;
  @query('textarea') private promptElement?: HTMLTextAreaElement;

  private readonly balanceQuery = new QueryController<Balance, CreditApiError>(this, () => this.resolvedQueryClient, () =>
    balanceQueryOptions(this.client),
  );
  private readonly operationsQuery = new QueryController<OperationsResponse, CreditApiError>(
    this,
    () => this.resolvedQueryClient,
    () => operationsQueryOptions(this.client),
  );
  private readonly estimateQuery = new QueryController<Estimate, CreditApiError>(
    this,
    () => this.resolvedQueryClient,
    () => estimateQueryOptions(this.client, this.estimateRequest(this.operation, this.estimatePrompt), !this.balanceQuery.data?.byok),
  );
  private readonly chat = new MutationController<ChatOutcome, unknown, ChatVariables>(
    this,
    () => this.resolvedQueryClient,
    () => this.chatOptions(),
  );
  private chatOptionsCache:
    | { client: CreditApiClient; queryClient: QueryClient; options: MutationObserverOptions<ChatOutcome, unknown, ChatVariables> }
    | undefined;
  private readonly session = new ChatSession(this, this.chat, {
    answerView: (markdown, streaming) => this.answerView(markdown, streaming),
    available: () => this.balanceQuery.data?.total ?? 0,
    onGrow: () => this.scheduleScrollToEnd(),
  });
  private readonly conversations = new ChatConversations(this, this.session, this.tokens, (conversation) =>
    this.showConversation(conversation),
  );
  private readonly actions = new ChatActions(this, {
    text: () => this.text,
    format: () => this.format,
    canSend: () => this.canSend,
    byok: () => !!this.balanceQuery.data?.byok,
    conversationId: () => this.conversationId,
    estimate: (request) => this.client.estimate(request),
    send: (prompt, operation, branch) => this.send(prompt, operation, null, branch),
    conversations: this.conversations,
  });

  private estimateTimer: ReturnType<typeof setTimeout> | undefined;
  private stopWatchingOnline: (() => void) | undefined;
  private reportedLoadError: unknown;
  private scrollFrame = 0;

  constructor() {
    super();
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.session.streaming) {
        event.preventDefault();
        this.stop();
      }
    });
    const balanceFollows = this.tokens.onIdentityChange;
    this.tokens.onIdentityChange = (identity) => {
      balanceFollows?.(identity);
      this.conversations.builderChanged(identity);
    };
    // a code block's Insert names its answer and conversation
    this.addEventListener('credit-insert', (event) => {
      const article = event.composedPath().find((target): target is HTMLElement => target instanceof HTMLElement && !!target.dataset.messageId);
      if (article) event.detail.messageId = article.dataset.messageId;
      if (this.conversationId) event.detail.conversationId = this.conversationId;
    });
  }

  /**
   * The conversation shown, as contract messages. Set it to show an existing conversation
   * (only the latest messages are rendered, with "Show earlier messages" for the rest).
   */
  get messages(): Message[] {
    return this.session.entries.map(messageFromEntry);
  }

  set messages(messages: Message[]) {
    const shown = this.session.entries;
    // the same conversation, longer: the reader stays where they are (and is told of the new messages)
    const continued = shown.length > 0 && messages.length > shown.length && messages[0]?.id === shown[0]?.id;
    if (!continued) {
      this.windowSize = WINDOW_PAGE;
      this.pinnedToEnd = true;
      this.unseen = 0;
      this.seenCount = messages.length;
    }
    this.actions.reset();
    this.session.show(messages.map(entryFromMessage));
  }

  /** Shows a conversation of the server's (opened from the list, restored, switched version), or a new one. */
  private showConversation(conversation: Conversation | null) {
    this.actions.reset();
    this.windowSize = WINDOW_PAGE;
    this.pinnedToEnd = true;
    this.unseen = 0;
    this.seenCount = conversation?.messages.length ?? 0;
    this.session.show(conversation ? mergeEntries(conversation.messages, []) : []);
    this.conversationId = conversation?.id;
    const last = conversation && [...conversation.messages].reverse().find((m) => m.role === 'user');
    if (last) this.operation = last.operation;
  }

  /**
   * The shell (the header's title and a loading line) is on screen in the element's first
   * frame; the first update, with the balance, the queries and the conversation, runs right
   * after that frame (at once in a hidden page, where frames wait).
   */
  protected override createRenderRoot() {
    // as LitElement's, but the shell's styles only (most of the stylesheet is for what the first
    // update renders); no content precedes the render, so there is no `renderBefore`
    const root = this.shadowRoot ?? this.attachShadow((this.constructor as typeof CreditChat).shadowRootOptions);
    adoptStyles(root, CreditChat.shellStyles);
    const header = document.createElement('div');
    header.className = 'header';
    header.setAttribute('part', 'header');
    const title = header.appendChild(document.createElement('h2'));
    title.className = 'title';
    title.textContent = this.text.chatTitle;
    const loading = document.createElement('p');
    loading.className = 'loading';
    loading.textContent = this.text.loading;
    this.shell = [header, loading];
    root.append(header, loading);
    return root;
  }

  private shell: Element[] = [];

  protected override async scheduleUpdate(): Promise<unknown> {
    if (!this.hasUpdated && this.shell.length && document.visibilityState !== 'hidden') {
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    }
    return super.scheduleUpdate();
  }

  protected override update(changed: PropertyValues): void {
    if (!this.hasUpdated) adoptStyles(this.renderRoot as ShadowRoot, (this.constructor as typeof CreditChat).elementStyles);
    for (const element of this.shell) element.remove();
    this.shell = [];
    super.update(changed);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // the first time, at the first update (after the shell's frame): nothing shows it before
    if (this.hasUpdated) this.watchOnline();
  }

  private watchOnline(): void {
    this.stopWatchingOnline ??= onlineManager.subscribe((online) => {
      this.online = online;
    });
    this.online = onlineManager.isOnline();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatchingOnline?.();
    this.stopWatchingOnline = undefined;
    clearTimeout(this.estimateTimer);
    cancelAnimationFrame(this.scrollFrame);
    this.scrollFrame = 0;
  }

  /** Stops the answer that is streaming; what arrived stays, the server settles what was produced. */
  stop(): void {
    this.session.stop();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (!this.hasUpdated && this.isConnected) this.watchOnline();
    const count = this.session.entries.length;
    if (count > this.seenCount && !this.pinnedToEnd) this.unseen += count - this.seenCount;
    this.seenCount = count;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const loadError = this.operationsQuery.result.error;
    if (loadError && loadError !== this.reportedLoadError) {
      this.reportedLoadError = loadError;
      this.dispatchEvent(new CreditErrorEvent({ code: loadError.code, status: loadError.status, message: loadError.message }));
    }
  }

  // ---- rendering

  override render() {
    return html`${this.renderHeader()}${this.renderBody()}`;
  }

  private renderHeader() {
    const s = this.text;
    return html`<div class="header" part="header">
      <h2 class="title">${s.chatTitle}</h2>
      <button
        type="button"
        class="secondary-button conversations-button"
        part="conversation-list-button"
        aria-expanded=${this.actions.listOpen ? 'true' : 'false'}
        @click=${() => this.actions.toggleList()}
      >
        ${s.conversations}
      </button>
      ${this.balanceQuery.data?.byok ? html`<span class="byok-badge">${s.byokActive}</span>` : nothing}
      <credit-balance
        part="balance"
        .apiBase=${this.apiBase}
        .token=${this.token}
        .getToken=${this.getToken}
        .queryClient=${this.queryClient}
        .lowThreshold=${this.lowThreshold}
        .locale=${this.locale}
        .theme=${this.theme}
        .strings=${this.strings}
      ></credit-balance>
    </div>
    <credit-threshold-banner .balance=${this.balanceQuery.data} .text=${this.text} .format=${this.format}></credit-threshold-banner>`;
  }

  private renderBody() {
    const s = this.text;
    const operations = this.operationsQuery.result;
    if (this.operationsQuery.status === 'pending') {
      return html`<p class="loading" role="status">${s.loading}</p>`;
    }
    if (!operations.data) {
      return html`<div class="load-error" role="alert">
        <p>${s.loadFailed(operations.error?.message ?? '')}</p>
        <button type="button" class="secondary-button" @click=${() => this.operationsQuery.refetch()}>${s.tryAgain}</button>
      </div>`;
    }
    return html`${this.actions.renderList()}${this.renderMessages()}${this.renderNotice()}${this.renderComposer(operations.data.operations)}`;
  }

  private renderMessages() {
    const s = this.text;
    const { entries } = this.session;
    const hidden = Math.max(0, entries.length - this.windowSize);
    const shown = hidden ? entries.slice(hidden) : entries;
    // pinned: while the reader is at the end, the last message is the only scroll anchor (styles),
    // so messages above it that change size (content-visibility placeholders taking their real
    // size) move what is above, never the end out of view; scrolled up, the browser's own anchor
    return html`<div class="messages-frame">
      <div
      class=${this.pinnedToEnd ? 'messages pinned' : 'messages'}
      part="messages"
      role="log"
      tabindex="0"
      aria-label=${s.conversationLabel}
      aria-busy=${this.session.streaming ? 'true' : 'false'}
      @scroll=${this.onMessagesScroll}
    >
      ${hidden
        ? html`<button type="button" class="show-earlier secondary-button" @click=${this.showEarlier}>
            ${s.showEarlier(this.format.integer(hidden))}
          </button>`
        : nothing}
      ${shown.length === 0 ? this.renderEmptyConversation() : repeat(shown, (entry) => entry.id, (entry) => this.renderEntry(entry))}
      </div>
      ${this.renderJumpToLatest()}
    </div>`;
  }

  private renderJumpToLatest() {
    if (this.pinnedToEnd || this.session.entries.length === 0) return nothing;
    return html`<button type="button" class="jump-to-latest primary-button" part="jump-to-latest" @click=${this.jumpToLatest}>
      ${this.text.jumpToLatest(this.format.integer(this.unseen))}
    </button>`;
  }

  private renderEmptyConversation() {
    const s = this.text;
    return html`<div class="empty">
      <h3 class="empty-title">${s.emptyTitle}</h3>
      <p>${s.emptyHint}</p>
      <ul class="suggestions">
        ${s.suggestions[this.operation].map(
          (suggestion) =>
            html`<li><button type="button" class="suggestion" @click=${() => this.useSuggestion(suggestion)}>${suggestion}</button></li>`,
        )}
      </ul>
    </div>`;
  }

  private renderEntry(entry: ChatEntry) {
    const s = this.text;
    if (entry.role === 'user') {
      const editor = this.actions.renderEditor(entry);
      return html`<article class="message user" part="message user-message" aria-label=${s.you} data-message-id=${entry.id}>
        ${editor ?? html`<p class="prompt">${entry.content}</p>${this.actions.renderActions(entry)}`}
      </article>`;
    }
    const view = (entry.view ??= this.answerView(entry.content, false));
    view.strings = this.strings;
    view.theme = this.theme;
    const streaming = entry.status === 'streaming';
    return html`<article
      class="message assistant"
      part="message assistant-message"
      aria-label=${s.assistant}
      aria-busy=${streaming ? 'true' : 'false'}
      data-message-id=${entry.id}
    >
      ${streaming && !entry.content ? html`<p class="thinking">${s.thinking}</p>` : nothing} ${view}
      ${this.renderReceipt(entry)} ${this.renderOutcomeNote(entry)} ${this.actions.renderActions(entry)}
      ${this.actions.renderAnswerExtras(entry)}
    </article>`;
  }

  private renderReceipt(entry: ChatEntry) {
    const receipt = entry.receipt;
    if (!receipt) return nothing;
    const s = this.text;
    const f = this.format;
    const parts: string[] = [];
    if (receipt.byok) {
      parts.push(s.receiptByok);
    } else {
      parts.push(s.receiptCharged(f.credits(receipt.credits)));
      const estimate = receipt.estimate ?? entry.estimate;
      if (estimate) parts.push(s.receiptEstimate(f.credits(estimate.expected), f.credits(estimate.max)));
      parts.push(s.receiptSplit(f.credits(receipt.fromMonthly), f.credits(receipt.fromAddon)));
    }
    if (receipt.usage) parts.push(s.receiptTokens(f.integer(receipt.usage.inputTokens), f.integer(receipt.usage.outputTokens)));
    return html`<p class="receipt" part="receipt"><span class="sr-only">${s.receiptLabel}: </span>${parts.join(' · ')}</p>`;
  }

  private renderOutcomeNote(entry: ChatEntry) {
    if (entry.status === 'stopped') return html`<p class="outcome-note">${this.text.stopped}</p>`;
    if (!entry.failure) return nothing;
    return html`<div class="failure">
      <p>${this.failureText(entry.failure)}</p>
      <button type="button" class="secondary-button" ?disabled=${!this.canSend} @click=${() => this.retry(entry)}>
        ${this.text.retry}
      </button>
    </div>`;
  }

  private failureText(failure: AnswerFailure): string {
    const s = this.text;
    switch (failure.code) {
      case 'stream_interrupted':
        return s.connectionLost;
      case 'builder_limit_reached':
        return s.builderLimitReached;
      case 'network':
      case 'insufficient_credits':
      case 'rate_limited':
      case 'too_many_streams':
      case 'invalid_input':
      case 'unauthorized':
      case 'forbidden':
        return s.sendFailed(failure.message);
      default:
        return failure.charged > 0
          ? s.providerFailedCharged(failure.message, this.format.credits(failure.charged))
          : s.providerFailedNotCharged(failure.message);
    }
  }

  private renderNotice() {
    const s = this.text;
    if (!this.online) return html`<p class="notice" role="status">${s.offline}</p>`;
    const { notice, retryInSeconds } = this.session;
    if (retryInSeconds > 0) {
      return html`<p class="notice">${s.rateLimited(this.format.integer(retryInSeconds))}</p>`;
    }
    if (!notice) return nothing;
    return html`<div class="notice insufficient" role="alert">
      <p>${s.insufficient(this.format.credits(notice.needed), this.format.credits(notice.available))}</p>
      <div class="notice-actions">
        <button type="button" class="primary-button" @click=${() => this.requestCredits('credits')}>${s.getCredits}</button>
        ${this.byokAvailable
          ? html`<button type="button" class="secondary-button" @click=${() => this.requestCredits('own-key')}>${s.useOwnKey}</button>`
          : nothing}
        <button type="button" class="secondary-button" @click=${() => this.session.dismissNotice()}>${s.dismiss}</button>
      </div>
    </div>`;
  }

  private renderComposer(operations: readonly Operation[]) {
    const s = this.text;
    return html`<form class="composer" part="composer" @submit=${this.onSubmit}>
      <div class="composer-row">
        <label class="sr-only" for="operation">${s.operationLabel}</label>
        <select
          id="operation"
          part="operation-picker"
          @change=${this.onOperationChange}
          @focus=${this.prefetchPickerEstimates}
          @pointerenter=${this.prefetchPickerEstimates}
        >
          ${operations.map(
            (op) =>
              html`<option value=${op.type} ?selected=${op.type === this.operation}>
                ${s.operationOption(op.label, this.format.credits(this.pickerCredits(op)))}
              </option>`,
          )}
        </select>
        ${this.renderEstimate(operations)}
      </div>
      <label class="sr-only" for="prompt">${s.promptLabel}</label>
      <textarea
        id="prompt"
        rows="3"
        placeholder=${s.promptPlaceholder}
        aria-describedby="estimate"
        .value=${this.draft}
        @input=${this.onPromptInput}
        @keydown=${this.onPromptKeyDown}
        @focus=${warmUpParser}
      ></textarea>
      <div class="composer-actions">
        ${this.session.streaming
          ? html`<button type="button" class="secondary-button" part="stop-button" @click=${this.stop}>${s.stop}</button>`
          : html`<button type="submit" class="primary-button" part="send-button" ?disabled=${!this.canSend || !this.draft.trim()}>
              ${s.send}
            </button>`}
      </div>
    </form>`;
  }

  private renderEstimate(operations: readonly Operation[]) {
    const s = this.text;
    const f = this.format;
    const balance = this.balanceQuery.data;
    let text: string;
    let overBalance = false;
    const estimate = this.estimateQuery.data;
    if (balance?.byok) {
      text = s.estimateByok;
    } else if (estimate && estimate.operation === this.operation) {
      text = s.estimate(f.credits(estimate.expected), f.credits(estimate.max));
      overBalance = !!balance && estimate.max > balance.total;
    } else if (this.estimateQuery.result.isError) {
      // No estimate from the server: the catalog's average for the type.
      const average = operations.find((op) => op.type === this.operation)?.averageCredits ?? 0;
      text = s.estimateAverage(f.credits(average));
    } else {
      text = s.estimating;
    }
    return html`<output id="estimate" part="estimate" class=${overBalance ? 'estimate over' : 'estimate'} aria-live="off">
      ${text}${overBalance ? html` <span class="over-note">(${s.estimateOverBalance})</span>` : nothing}
    </output>`;
  }

  // ---- state derived for rendering

  private get canSend(): boolean {
    return !this.session.streaming && this.online && this.session.retryInSeconds === 0 && !!this.operationsQuery.data;
  }

  private estimateRequest(operation: OperationType, prompt: string): EstimateRequest {
    return this.conversationId ? { operation, prompt, conversationId: this.conversationId } : { operation, prompt };
  }

  /** The picker's figure for a type: the server's estimate of an empty prompt once fetched, else the average. */
  private pickerCredits(op: Operation): number {
    const key = creditKeys.estimate(this.client.scope, this.estimateRequest(op.type, ''));
    return this.resolvedQueryClient.getQueryData<Estimate>(key)?.expected ?? op.averageCredits;
  }

  private chatOptions() {
    const client = this.client;
    const queryClient = this.resolvedQueryClient;
    const cached = this.chatOptionsCache;
    if (cached && cached.client === client && cached.queryClient === queryClient) return cached.options;
    const options = chatMutationOptions(client, queryClient);
    this.chatOptionsCache = { client, queryClient, options };
    return options;
  }

  // ---- user actions

  private onPromptInput(event: InputEvent) {
    this.draft = (event.target as HTMLTextAreaElement).value;
    clearTimeout(this.estimateTimer);
    this.estimateTimer = setTimeout(() => {
      this.estimatePrompt = this.draft.trim();
    }, ESTIMATE_DEBOUNCE_MS);
  }

  private onPromptKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    this.submitDraft();
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.submitDraft();
    this.promptElement?.focus();
  }

  private onOperationChange(event: Event) {
    const value = (event.target as HTMLSelectElement).value;
    if ((OPERATION_TYPES as readonly string[]).includes(value)) this.operation = value as OperationType;
  }

  private prefetchPickerEstimates() {
    const operations = this.operationsQuery.data?.operations;
    if (!operations || this.balanceQuery.data?.byok) return;
    const queryClient = this.resolvedQueryClient;
    const fetches = operations.map((op) => queryClient.prefetchQuery(estimateQuery(this.client, this.estimateRequest(op.type, ''))));
    void Promise.all(fetches).then(() => this.requestUpdate());
  }

  private useSuggestion(suggestion: string) {
    this.draft = suggestion;
    this.estimatePrompt = suggestion;
    this.promptElement?.focus();
  }

  private submitDraft() {
    const prompt = this.draft.trim();
    if (prompt) void this.send(prompt, this.operation, null);
  }

  private retry(failed: ChatEntry) {
    if (failed.prompt) void this.send(failed.prompt, failed.operation, failed);
  }

  private requestCredits(option: 'credits' | 'own-key') {
    requestCredits(this, option);
  }

  private async showEarlier() {
    const messages = this.messagesElement!;
    const fromEnd = messages.scrollHeight - messages.scrollTop;
    this.windowSize += WINDOW_PAGE;
    await this.updateComplete;
    messages.scrollTop = messages.scrollHeight - fromEnd;
    if (this.session.entries.length <= this.windowSize) messages.focus();
  }

  private onMessagesScroll(event: Event) {
    const messages = event.currentTarget as HTMLElement;
    this.pinnedToEnd = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 48;
    if (this.pinnedToEnd) this.unseen = 0;
  }

  private async jumpToLatest() {
    this.pinnedToEnd = true;
    this.unseen = 0;
    await this.updateComplete;
    const messages = this.messagesElement;
    if (!messages) return;
    messages.focus({ preventScroll: true });
    // messages that content-visibility laid out as placeholders take their size once in view, a
    // frame or two later; while pinned, scroll anchoring holds the last message in place (styles)
    messages.scrollTop = messages.scrollHeight;
  }

  /** Keeps the newest message in view while the builder has not scrolled up; once per frame. */
  private scheduleScrollToEnd() {
    if (this.scrollFrame || !this.pinnedToEnd) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = 0;
      const messages = this.messagesElement;
      if (messages && this.pinnedToEnd) messages.scrollTop = messages.scrollHeight;
    });
  }

  /** The `<credit-markdown>` of an answer, themed and worded like the chat; its code-block part is the chat's. */
  private answerView(markdown: string, streaming: boolean): CreditMarkdown {
    const view = new CreditMarkdown();
    view.setAttribute('exportparts', 'code-block');
    view.className = 'answer';
    view.streaming = streaming;
    view.markdown = markdown;
    return view;
  }

  // ---- sending

  private async send(prompt: string, operation: OperationType, retryOf: ChatEntry | null, branch?: ChatBranch) {
    if (!this.canSend) return;
    const beforeSend = new CreditBeforeSendEvent({ operation, prompt, conversationId: this.conversationId, ...branch });
    this.dispatchEvent(beforeSend);
    if (beforeSend.defaultPrevented) return;
    if (!retryOf) {
      this.draft = '';
      this.estimatePrompt = '';
    }
    this.pinnedToEnd = true;
    this.unseen = 0;
    // answers are markdown: the parser compiles its expressions while the request is on its way
    // (not before the element's first frame), if focusing the prompt did not already; not in idle
    // time, which may come only once the answer is streaming
    warmUpParser('soon');
    const answer = await this.session.send(prompt, operation, retryOf, branch);
    // the server's view of what was sent: the prompt's id, the versions at each place
    if (answer.status === 'complete') await this.conversations.reload();
  }
}
