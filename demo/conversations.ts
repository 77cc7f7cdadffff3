// The builder's conversations: the one open in the chat is remembered per builder and shown
// again after a reload (GET /conversations/{id}); the picker lists the others.
import type { Conversation, ConversationsResponse, CreditChat } from '../src/index.js';
import { h } from './dom.js';
import { getConversation, listConversations } from '../src/contract/routes.js';
import { RequestError, requestRoute, type DemoStorage } from './session.js';

export interface ConversationsOptions {
  chat: CreditChat;
  picker: HTMLSelectElement;
  newButton: HTMLButtonElement;
  storage: DemoStorage;
  builder: () => { id: string; token: string };
}

export class Conversations {
  private loading = 0;

  constructor(private readonly options: ConversationsOptions) {
    const { chat, picker, newButton } = options;
    // The element sets `conversation-id` from the server's first answer: remember it for this builder.
    new MutationObserver(() => {
      const id = chat.conversationId ?? null;
      options.storage.set(this.storageKey, id);
      if (id && picker.value !== id) void this.refreshList();
    }).observe(chat, { attributes: true, attributeFilter: ['conversation-id'] });
    picker.addEventListener('change', () => {
      if (picker.value) void this.open(picker.value);
      else this.startNew();
    });
    newButton.addEventListener('click', () => {
      this.startNew();
      chat.shadowRoot?.querySelector<HTMLTextAreaElement>('textarea')?.focus();
    });
  }

  private get storageKey(): string {
    return `conversation:${this.options.builder().id}`;
  }

  /** Shows the conversation this builder had open (after a reload or a builder switch). */
  async restore(): Promise<void> {
    const id = this.options.storage.get(this.storageKey);
    if (id) await this.open(id);
    else this.show(null);
    await this.refreshList();
  }

  startNew(): void {
    this.loading++;
    this.show(null);
    this.options.picker.value = '';
  }

  async open(id: string): Promise<void> {
    const ticket = ++this.loading;
    try {
      const conversation = await requestRoute(getConversation, this.options.builder().token, { params: { id } });
      if (ticket === this.loading) this.show(conversation);
    } catch (error) {
      // gone (another workspace after --reset) or not this builder's: start empty
      if (ticket === this.loading && error instanceof RequestError && error.status >= 400 && error.status < 500) this.show(null);
    }
  }

  async refreshList(): Promise<void> {
    const { picker, chat } = this.options;
    let list: ConversationsResponse;
    try {
      list = await requestRoute(listConversations, this.options.builder().token);
    } catch {
      return;
    }
    const current = chat.conversationId ?? '';
    const options = [h('option', { value: '' }, 'New conversation')];
    for (const c of list.conversations.slice(0, 50)) {
      const label = `${c.title.length > 48 ? `${c.title.slice(0, 47)}…` : c.title} · ${c.messageCount} messages`;
      options.push(h('option', { value: c.id, selected: c.id === current }, label));
    }
    picker.replaceChildren(...options);
    picker.value = current;
  }

  private show(conversation: Conversation | null): void {
    const { chat } = this.options;
    chat.messages = conversation?.messages ?? [];
    chat.conversationId = conversation?.id;
    if (conversation) {
      const last = [...conversation.messages].reverse().find((m) => m.role === 'user');
      if (last) chat.operation = last.operation;
    }
  }
}
