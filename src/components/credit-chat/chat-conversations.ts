import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CreditApiError } from '../../client/api-client.js';
import type { CreditLedgerClient } from '../../client/ledger-client.js';
import type { TokenKeeper } from '../../client/token-keeper.js';
import { identityOf } from '../../client/query.js';
import type { Conversation, ConversationSummary, FeedbackRequest } from '../../contract/index.js';
import { CreditErrorEvent } from '../../events/credit-error.js';
import { CreditFeedbackEvent } from '../../events/credit-feedback.js';
import { isServerMessage, mergeEntries, type ChatEntry } from './chat-entry.js';
import type { ChatSession } from './chat-session.js';

/** The element the conversations belong to. */
export interface ChatConversationsHost extends ReactiveControllerHost, EventTarget {
  conversationId?: string;
  apiBase: string;
  token?: string;
  getToken?: unknown;
}

/** Where the open conversation of a builder is remembered (per API base and builder). */
const STORAGE_PREFIX = 'credit-chat:conversation:';

/**
 * The builder's conversations as `<credit-chat>` shows them: the open one remembered per
 * builder and opened again after a reload, the list (open, rename, delete, start), the version
 * shown of each message (`PATCH activeMessageId`) and the 👍/👎 of answers. The calls live in
 * the ledger client, loaded the first time one is made (a session that only sends never loads it).
 */
export class ChatConversations implements ReactiveController {
  /** the builder's conversations, newest first; null until the list is opened */
  list: ConversationSummary[] | null = null;
  /** something is being loaded (the list, or a conversation) */
  busy = false;

  private ledgerCache: { scope: string; client: CreditLedgerClient } | undefined;
  private storageKey: string | null = null;
  /** the builder the storage key is for (a hash of a plain token) */
  private keyIdentity: string | null = null;
  private ticket = 0;
  private restored = false;

  constructor(
    private readonly host: ChatConversationsHost,
    private readonly session: ChatSession,
    private readonly tokens: TokenKeeper,
    private readonly onShow: (conversation: Conversation | null) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.restored) return;
    this.restored = true;
    void this.restore();
  }

  hostUpdate(): void {
    // the host put another builder's token in: their conversation, not the last one's
    if (!this.storageKey || this.host.getToken || identityOf(this.host.token) === this.keyIdentity) return;
    this.storageKey = null;
    this.startNew();
    void this.restore();
  }

  /**
   * The token from `getToken` names another builder: remember under their key from now on
   * (the conversation shown stays until the next send, which starts their own).
   */
  builderChanged(identity: string | null): void {
    if (!this.storageKey) return;
    this.keyIdentity = identity;
    this.storageKey = `${STORAGE_PREFIX}${this.host.apiBase}|${identity ?? ''}`;
  }

  hostUpdated(): void {
    // the element names its conversation from the server's first answer: remember it
    if (this.storageKey) this.remember(this.host.conversationId);
  }

  /** The conversation this builder had open, unless the page already showed one. */
  private async restore(): Promise<void> {
    const token = await this.tokens.token().catch(() => null);
    this.keyIdentity = this.tokens.identity ?? identityOf(token);
    this.storageKey = `${STORAGE_PREFIX}${this.host.apiBase}|${this.keyIdentity}`;
    const id = readStorage(this.storageKey);
    if (!id || this.host.conversationId || this.session.entries.length) return;
    await this.open(id, true);
  }

  private remember(id: string | undefined): void {
    const key = this.storageKey!;
    if ((readStorage(key) ?? undefined) === id) return;
    try {
      if (id) localStorage.setItem(key, id);
      else localStorage.removeItem(key);
    } catch {
      // storage unavailable (private mode, sandboxed frame): nothing is remembered
    }
  }

  /** Opens a conversation of the builder's; a gone one (deleted, another builder's) starts empty. */
  async open(id: string, quiet = false): Promise<void> {
    const ticket = ++this.ticket;
    try {
      const conversation = await (await this.ledger()).conversation(id);
      if (ticket === this.ticket) this.onShow(conversation);
    } catch (error) {
      if (ticket !== this.ticket) return;
      if (error instanceof CreditApiError && error.status === 404) this.onShow(null);
      else if (!quiet) this.fail(error);
    }
  }

  /** Shows the server's view of the open conversation (after an answer: the ids, versions and feedback). */
  async reload(): Promise<void> {
    const id = this.host.conversationId;
    if (!id) return;
    const ticket = ++this.ticket;
    const before = this.session.entries;
    try {
      const conversation = await (await this.ledger()).conversation(id);
      // the builder sent again or opened another meanwhile: theirs wins
      if (ticket !== this.ticket || this.session.entries !== before || this.session.streaming) return;
      this.session.show(mergeEntries(conversation.messages, before));
    } catch {
      // what is shown stays; the next reload or open corrects it
    }
  }

  startNew(): void {
    this.ticket++;
    this.onShow(null);
  }

  /** Fetches the builder's conversations for the list. */
  async refreshList(): Promise<void> {
    this.busy = true;
    this.host.requestUpdate();
    try {
      this.list = (await (await this.ledger()).conversations()).conversations;
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  async rename(id: string, title: string): Promise<void> {
    try {
      await (await this.ledger()).updateConversation(id, { title });
      this.list = this.list?.map((c) => (c.id === id ? { ...c, title } : c)) ?? null;
      this.host.requestUpdate();
    } catch (error) {
      this.fail(error);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await (await this.ledger()).deleteConversation(id);
      this.list = this.list?.filter((c) => c.id !== id) ?? null;
      if (this.host.conversationId === id) this.startNew();
      this.host.requestUpdate();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Shows another version of a message: its branch becomes the conversation's active one (kept on the server). */
  async showVersion(messageId: string): Promise<void> {
    const id = this.host.conversationId;
    if (!id) return;
    const ticket = ++this.ticket;
    try {
      const conversation = await (await this.ledger()).updateConversation(id, { activeMessageId: messageId });
      if (ticket === this.ticket) this.session.show(mergeEntries(conversation.messages, this.session.entries));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Rates an answer (shown at once, kept on the server) and tells the page with `credit-feedback`. */
  async rate(entry: ChatEntry, body: FeedbackRequest): Promise<void> {
    const conversationId = this.host.conversationId;
    if (!conversationId || !isServerMessage(entry)) return;
    const previous = entry.feedback;
    entry.feedback = { ...body, updatedAt: new Date().toISOString() };
    this.host.requestUpdate();
    try {
      const saved = await (await this.ledger()).rateAnswer(conversationId, entry.id, body);
      entry.feedback = saved.feedback;
      this.host.requestUpdate();
      this.host.dispatchEvent(new CreditFeedbackEvent({ conversationId, messageId: entry.id, ...body }));
    } catch (error) {
      entry.feedback = previous;
      this.host.requestUpdate();
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    const apiError = error instanceof CreditApiError ? error : new CreditApiError(0, 'internal', String(error));
    this.host.dispatchEvent(new CreditErrorEvent({ code: apiError.code, status: apiError.status, message: apiError.message }));
  }

  /** The ledger client for the element's API base and token keeper, loaded on first use. */
  private async ledger(): Promise<CreditLedgerClient> {
    const { CreditLedgerClient } = await import('../../client/ledger-client.js');
    const identity = this.host.getToken ? '' : identityOf(this.host.token);
    const scope = `${this.host.apiBase}|${identity}`;
    if (this.ledgerCache?.scope !== scope) {
      this.ledgerCache = { scope, client: new CreditLedgerClient({ apiBase: this.host.apiBase, identity, tokens: this.tokens }) };
    }
    return this.ledgerCache.client;
  }
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
