import type { Conversation, ConversationSummary, Message, OperationType, Receipt } from '../../contract/index.js';
import type { ChatMessage } from '../ai/index.js';
import { ApiError } from '../errors.js';
import type { BuilderContext, Clock } from '../ledger/ledger.js';
import { newId } from '../ledger/ids.js';
import type { SqlClient } from '../store/store.js';

export type AnswerStatus = Exclude<Message['status'], 'streaming'>;

/** The ids of one exchange: the builder's prompt and the answer being streamed. */
export interface Turn {
  conversationId: string;
  userMessageId: string;
  answerId: string;
}

interface MessageRow {
  id: string;
  role: 'user' | 'assistant';
  operation: OperationType;
  content: string;
  status: Message['status'];
  receipt: Receipt | null;
  created_at: Date | string;
}

interface ConversationRow {
  id: string;
  title: string;
  operation: OperationType;
  message_count: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const TITLE_CHARS = 60;
/** The most recent conversations GET /conversations lists. */
export const CONVERSATION_LIST_LIMIT = 100;

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function titleOf(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}

const notFound = () => new ApiError('not_found', 'conversation not found');

/**
 * A builder's conversations. Messages are written in pairs (the prompt, then its answer),
 * so the answer to message n is message n + 1. Each builder sees only their own.
 */
export class ConversationStore {
  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
    /** a message still `streaming` after this long lost its server; it reads as failed */
    private readonly staleAfterMs: number,
  ) {}

  /**
   * The earlier exchanges to send as context, oldest first: only those whose answer was
   * complete or stopped with some text (a failed exchange is not part of the conversation).
   */
  async context(ctx: BuilderContext, conversationId: string): Promise<ChatMessage[]> {
    const rows = await this.db.query<{ role: 'user' | 'assistant' | null; content: string | null; status: Message['status'] | null }>(
      `SELECT m.role, m.content, m.status FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
       WHERE c.id = $1 AND c.workspace_id = $2 AND c.builder = $3 ORDER BY m.seq`,
      [conversationId, ctx.workspaceId, ctx.builder],
    );
    if (rows.length === 0) throw notFound();
    const context: ChatMessage[] = [];
    for (let i = 0; i + 1 < rows.length; i += 2) {
      const [prompt, answer] = [rows[i]!, rows[i + 1]!];
      if (prompt.role !== 'user' || answer.role !== 'assistant' || !answer.content) continue;
      if (answer.status !== 'complete' && answer.status !== 'stopped') continue;
      context.push({ role: 'user', content: prompt.content ?? '' }, { role: 'assistant', content: answer.content });
    }
    return context;
  }

  /** Writes the prompt and an empty `streaming` answer, in a new conversation or an existing one of the builder's. */
  async begin(ctx: BuilderContext, input: { conversationId?: string; operation: OperationType; prompt: string }): Promise<Turn> {
    const now = this.clock.now();
    const userMessageId = newId('msg');
    const answerId = newId('msg');
    const pair = `(VALUES ($1::text, -1, 'user', $3::text, 'complete'), ($2::text, 0, 'assistant', '', 'streaming')) AS v (id, offset_, role, content, status)`;
    const insertPair = `INSERT INTO messages (id, conversation_id, seq, role, operation, content, status, created_at)
       SELECT v.id, c.id, c.message_count + v.offset_, v.role, $4, v.content, v.status, $5 FROM c, ${pair}
       RETURNING conversation_id`;
    if (input.conversationId) {
      const rows = await this.db.query<{ conversation_id: string }>(
        `WITH c AS (UPDATE conversations SET message_count = message_count + 2, updated_at = $5
                    WHERE id = $6 AND workspace_id = $7 AND builder = $8 RETURNING id, message_count)
         ${insertPair}`,
        [userMessageId, answerId, input.prompt, input.operation, now, input.conversationId, ctx.workspaceId, ctx.builder],
      );
      if (!rows[0]) throw notFound();
      return { conversationId: input.conversationId, userMessageId, answerId };
    }
    const conversationId = newId('conv');
    await this.db.query(
      `WITH c AS (INSERT INTO conversations (id, workspace_id, builder, title, operation, message_count, created_at, updated_at)
                  VALUES ($6, $7, $8, $9, $4, 2, $5, $5) RETURNING id, message_count)
       ${insertPair}`,
      [userMessageId, answerId, input.prompt, input.operation, now, conversationId, ctx.workspaceId, ctx.builder, titleOf(input.prompt)],
    );
    return { conversationId, userMessageId, answerId };
  }

  async finish(answerId: string, answer: { content: string; status: AnswerStatus; receipt: Receipt | null }): Promise<void> {
    await this.db.query('UPDATE messages SET content = $2, status = $3, receipt_id = $4, receipt = $5 WHERE id = $1', [
      answerId,
      answer.content,
      answer.status,
      answer.receipt?.id ?? null,
      answer.receipt ? JSON.stringify(answer.receipt) : null,
    ]);
  }

  async list(ctx: BuilderContext): Promise<ConversationSummary[]> {
    const rows = await this.db.query<ConversationRow>(
      `SELECT id, title, operation, message_count, created_at, updated_at FROM conversations
       WHERE workspace_id = $1 AND builder = $2 ORDER BY updated_at DESC, id DESC LIMIT $3`,
      [ctx.workspaceId, ctx.builder, CONVERSATION_LIST_LIMIT],
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      operation: r.operation,
      messageCount: Number(r.message_count),
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    }));
  }

  async get(ctx: BuilderContext, conversationId: string): Promise<Conversation> {
    const [conversation] = await this.db.query<ConversationRow>(
      'SELECT id, title, operation, message_count, created_at, updated_at FROM conversations WHERE id = $1 AND workspace_id = $2 AND builder = $3',
      [conversationId, ctx.workspaceId, ctx.builder],
    );
    if (!conversation) throw notFound();
    const rows = await this.db.query<MessageRow>(
      'SELECT id, role, operation, content, status, receipt, created_at FROM messages WHERE conversation_id = $1 ORDER BY seq',
      [conversationId],
    );
    const staleBefore = this.clock.now().getTime() - this.staleAfterMs;
    const messages: Message[] = rows.map((r) => ({
      id: r.id,
      role: r.role,
      operation: r.operation,
      content: r.content,
      status: r.status === 'streaming' && new Date(r.created_at).getTime() < staleBefore ? 'failed' : r.status,
      receipt: r.receipt,
      createdAt: iso(r.created_at),
    }));
    return { id: conversation.id, title: conversation.title, messages, createdAt: iso(conversation.created_at), updatedAt: iso(conversation.updated_at) };
  }
}
