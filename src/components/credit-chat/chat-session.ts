import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CreditApiError, isAbortError, type ChatOutcome } from '../../client/api-client.js';
import type { MutationController } from '../../client/controllers.js';
import { receiptOfFailure, type ChatVariables } from '../../client/query.js';
import type { ChatEvent, ChatRequest, OperationType } from '../../contract/index.js';
import { CreditDebitedEvent } from '../../events/credit-debited.js';
import { CreditErrorEvent } from '../../events/credit-error.js';
import { CreditInsufficientEvent } from '../../events/credit-insufficient.js';
import type { CreditMarkdown } from '../credit-markdown/credit-markdown.js';
import { localId, newIdempotencyKey, type ChatEntry } from './chat-entry.js';

/** Seconds to wait after a 429 that did not say how long. */
const DEFAULT_RETRY_AFTER = 10;

export type ChatNotice = { kind: 'insufficient'; needed: number; available: number };

/** A send that branches: a new version of an answer, or an earlier prompt of the builder's edited. */
export type ChatBranch = { regenerateOf: string; editOf?: undefined } | { editOf: string; regenerateOf?: undefined };

/** The element a session belongs to: it renders the session and carries the conversation id. */
export interface ChatSessionHost extends ReactiveControllerHost, EventTarget {
  conversationId?: string;
}

export interface ChatSessionOptions {
  /** a `<credit-markdown>` for an answer (streaming while the answer arrives) */
  answerView: (markdown: string, streaming: boolean) => CreditMarkdown;
  /** credits available now, for a 402 that did not say */
  available: () => number;
  /** the conversation grew (a message, or text of the streaming answer) */
  onGrow: () => void;
}

/**
 * The conversation of a `<credit-chat>` and the answer being sent: its entries, whether an
 * answer streams, the insufficient-credits notice and the countdown after a 429. It sends
 * through the chat mutation, writes each answer's markdown as it streams, and tells the page
 * with the element's events. The element renders it and decides when a message may be sent.
 */
export class ChatSession implements ReactiveController {
  entries: ChatEntry[] = [];
  streaming = false;
  notice: ChatNotice | null = null;
  /** seconds until Send comes back after a 429; 0 when it is there */
  retryInSeconds = 0;

  private abortController: AbortController | undefined;
  private countdownTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ChatSessionHost,
    private readonly chat: MutationController<ChatOutcome, unknown, ChatVariables>,
    private readonly options: ChatSessionOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abortController?.abort();
    clearInterval(this.countdownTimer);
    this.retryInSeconds = 0;
  }

  /** Shows these entries in place of the conversation. */
  show(entries: ChatEntry[]): void {
    this.entries = entries;
    this.changed();
  }

  dismissNotice(): void {
    this.notice = null;
    this.host.requestUpdate();
  }

  /** Stops the answer that is streaming; what arrived stays, the server settles what was produced. */
  stop(): void {
    this.abortController?.abort();
  }

  /**
   * Sends a prompt as a new request (so with a new idempotency key; query-core's network retries
   * reuse it). With `retryOf`, the answer replaces that failed one instead of following a new
   * message of the builder. With `branch`, the conversation is cut where the new version goes:
   * after the regenerated answer's prompt, or before the edited prompt. Resolves with the answer
   * when it has ended, however it ended.
   */
  async send(prompt: string, operation: OperationType, retryOf: ChatEntry | null, branch?: ChatBranch): Promise<ChatEntry> {
    const now = new Date().toISOString();
    let entries = retryOf ? this.entries.filter((entry) => entry !== retryOf) : this.entries;
    const cutAt = branch ? entries.findIndex((entry) => entry.id === (branch.regenerateOf ?? branch.editOf)) : -1;
    if (cutAt >= 0) entries = entries.slice(0, cutAt);
    if (!retryOf && !branch?.regenerateOf) {
      entries = [...entries, { id: localId(), role: 'user', operation, content: prompt, status: 'complete', receipt: null, createdAt: now }];
    }
    const answer: ChatEntry = {
      id: localId(),
      role: 'assistant',
      operation,
      content: '',
      status: 'streaming',
      receipt: null,
      createdAt: now,
      prompt,
      view: this.options.answerView('', true),
    };
    this.entries = [...entries, answer];
    this.notice = null;
    this.streaming = true;
    this.changed();

    const abort = new AbortController();
    this.abortController = abort;
    const request: ChatRequest = branch?.regenerateOf
      ? { operation, idempotencyKey: newIdempotencyKey(), regenerateOf: branch.regenerateOf }
      : { operation, prompt, idempotencyKey: newIdempotencyKey() };
    if (branch?.editOf) request.editOf = branch.editOf;
    if (this.host.conversationId) request.conversationId = this.host.conversationId;
    try {
      const outcome = await this.chat.mutate({ request, signal: abort.signal, onEvent: (event) => this.onChatEvent(answer, event) });
      answer.status = 'complete';
      answer.receipt = outcome.receipt;
      this.host.dispatchEvent(new CreditDebitedEvent(this.about(answer, { receipt: outcome.receipt })));
    } catch (error) {
      this.onChatFailure(answer, error);
    } finally {
      answer.view!.streaming = false;
      this.abortController = undefined;
      this.streaming = false;
      this.entries = [...this.entries];
      this.changed();
    }
    return answer;
  }

  /** An event's detail with the answer and its conversation named (once the server named them). */
  private about<T extends object>(answer: ChatEntry, detail: T): T & { messageId?: string; conversationId?: string } {
    const named: T & { messageId?: string; conversationId?: string } = { ...detail };
    if (!answer.id.startsWith('local-')) named.messageId = answer.id;
    if (this.host.conversationId) named.conversationId = this.host.conversationId;
    return named;
  }

  private changed(): void {
    this.host.requestUpdate();
    this.options.onGrow();
  }

  private onChatEvent(answer: ChatEntry, event: ChatEvent) {
    switch (event.event) {
      case 'reserved':
        answer.id = event.data.messageId;
        answer.estimate = event.data.estimate;
        this.host.conversationId = event.data.conversationId;
        this.host.requestUpdate();
        break;
      case 'delta': {
        const first = answer.content === '';
        answer.content += event.data.text;
        answer.view!.appendMarkdown(event.data.text);
        if (first) this.host.requestUpdate();
        this.options.onGrow();
        break;
      }
    }
  }

  private onChatFailure(answer: ChatEntry, error: unknown) {
    if (isAbortError(error)) {
      answer.status = 'stopped';
      return;
    }
    const apiError = error instanceof CreditApiError ? error : new CreditApiError(0, 'internal', String(error));
    const { code, status, message, details } = apiError;
    answer.status = 'failed';
    answer.failure = { code, message, charged: typeof details.charged === 'number' ? details.charged : 0 };
    const receipt = receiptOfFailure(apiError);
    if (receipt) {
      answer.receipt = receipt;
      this.host.dispatchEvent(new CreditDebitedEvent(this.about(answer, { receipt })));
    }
    if (code === 'insufficient_credits') {
      const needed = typeof details.needed === 'number' ? details.needed : (answer.estimate?.max ?? 0);
      const available = typeof details.available === 'number' ? details.available : this.options.available();
      this.notice = { kind: 'insufficient', needed, available };
      this.host.dispatchEvent(new CreditInsufficientEvent(this.about(answer, { needed, available })));
    }
    if (status === 429) this.startCountdown(apiError.retryAfter ?? DEFAULT_RETRY_AFTER);
    // a 402 is told once, as credit-insufficient (its own event, with needed and available)
    if (code !== 'insufficient_credits') this.host.dispatchEvent(new CreditErrorEvent(this.about(answer, { code, status, message })));
  }

  private startCountdown(seconds: number) {
    clearInterval(this.countdownTimer);
    this.retryInSeconds = Math.max(1, Math.ceil(seconds));
    this.countdownTimer = setInterval(() => {
      this.retryInSeconds = Math.max(0, this.retryInSeconds - 1);
      this.host.requestUpdate();
      if (this.retryInSeconds === 0) clearInterval(this.countdownTimer);
    }, 1000);
  }
}
