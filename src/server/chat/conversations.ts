import type { Conversation, ConversationSummary, Feedback, FeedbackRequest, Message, OperationType, Receipt } from '../../contract/index.js';
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
  parent_id: string | null;
  feedback: Feedback | null;
  role: 'user' | 'assistant';
  operation: OperationType;
  content: string;
  status: Message['status'];
  receipt: Receipt | null;
  created_at: Date | string;
}

interface ConversationRow {
  id: string;
  active_message_id?: string | null;
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
const messageNotFound = () => new ApiError('not_found', 'message not found');

/** Where a new exchange goes in a conversation's tree of messages. */
export interface Placement {
  /** the earlier exchanges on the way there, oldest first (as `context` keeps them) */
  history: ChatMessage[];
  /** a new prompt follows this message (null: it is a first prompt) */
  promptParent?: string | null;
  /** regenerating: the new answer follows this prompt, whose text is `prompt` */
  answerParent?: string;
  prompt?: string;
}

const COLUMNS = 'id, parent_id, role, operation, content, status, receipt, feedback, created_at';

/** The messages from the first prompt to `leaf`, following parents. */
function pathTo(byId: Map<string, MessageRow>, leaf: string | null | undefined): MessageRow[] {
  const path: MessageRow[] = [];
  for (let at = leaf ? byId.get(leaf) : undefined; at; at = at.parent_id ? byId.get(at.parent_id) : undefined) path.push(at);
  return path.reverse();
}

/** The exchanges of a branch sent as context: a prompt and its complete or stopped answer with text. */
function exchanges(path: readonly MessageRow[]): ChatMessage[] {
  const context: ChatMessage[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const [prompt, answer] = [path[i]!, path[i + 1]!];
    if (prompt.role !== 'user' || answer.role !== 'assistant' || !answer.content) continue;
    if (answer.status !== 'complete' && answer.status !== 'stopped') continue;
    context.push({ role: 'user', content: prompt.content }, { role: 'assistant', content: answer.content });
  }
  return context;
}

/**
 * A builder's conversations: a tree of messages (each follows its parent), of which one
 * branch is active and shown. A prompt is followed by its answers: regenerating adds a
 * sibling answer (a version), editing a prompt adds a sibling prompt (a new branch). Each
 * builder sees only their own; a deleted conversation is gone for them (its rows stay for
 * the receipts and idempotency records that name them).
 */
export class ConversationStore {
  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
    /** a message still `streaming` after this long lost its server; it reads as failed */
    private readonly staleAfterMs: number,
  ) {}

  private async conversation(ctx: BuilderContext, conversationId: string): Promise<ConversationRow> {
    const [row] = await this.db.query<ConversationRow>(
      `SELECT id, title, operation, message_count, created_at, updated_at, active_message_id FROM conversations
       WHERE id = $1 AND workspace_id = $2 AND builder = $3 AND deleted_at IS NULL`,
      [conversationId, ctx.workspaceId, ctx.builder],
    );
    if (!row) throw notFound();
    return row;
  }

  private async messages(conversationId: string): Promise<MessageRow[]> {
    return this.db.query<MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY seq`, [conversationId]);
  }

  /** The earlier exchanges of the active branch, oldest first (a failed exchange is not part of the conversation). */
  async context(ctx: BuilderContext, conversationId: string): Promise<ChatMessage[]> {
    return (await this.place(ctx, { conversationId })).history;
  }

  /**
   * Where a new exchange goes: after the active branch's last message; with `editOf` (a
   * prompt) beside that prompt; with `regenerateOf` (an answer) beside that answer, for its
   * prompt. 404 for a conversation or message that is not the builder's.
   */
  async place(ctx: BuilderContext, input: { conversationId: string; regenerateOf?: string; editOf?: string }): Promise<Placement> {
    const conversation = await this.conversation(ctx, input.conversationId);
    const rows = await this.messages(conversation.id);
    const byId = new Map(rows.map((r) => [r.id, r]));
    if (input.regenerateOf !== undefined) {
      const answer = byId.get(input.regenerateOf);
      const prompt = answer?.parent_id ? byId.get(answer.parent_id) : undefined;
      if (!answer || answer.role !== 'assistant' || !prompt) throw messageNotFound();
      return { history: exchanges(pathTo(byId, prompt.parent_id)), answerParent: prompt.id, prompt: prompt.content };
    }
    if (input.editOf !== undefined) {
      const prompt = byId.get(input.editOf);
      if (!prompt || prompt.role !== 'user') throw messageNotFound();
      return { history: exchanges(pathTo(byId, prompt.parent_id)), promptParent: prompt.parent_id };
    }
    const leaf = conversation.active_message_id ?? rows.at(-1)?.id ?? null;
    return { history: exchanges(pathTo(byId, leaf)), promptParent: leaf };
  }

  /**
   * Writes the prompt and an empty `streaming` answer (or only the answer, when
   * regenerating), in a new conversation or where `placement` says in one of the builder's;
   * the new answer becomes the end of the active branch.
   */
  async begin(
    ctx: BuilderContext,
    input: { conversationId?: string; operation: OperationType; prompt: string; placement?: Placement },
  ): Promise<Turn> {
    const now = this.clock.now();
    const answerId = newId('msg');
    const regenerating = input.placement?.answerParent !== undefined;
    const userMessageId = regenerating ? input.placement!.answerParent! : newId('msg');
    const rows: [string, 'user' | 'assistant', string, 'complete' | 'streaming', string | null][] = [];
    if (!regenerating) rows.push([userMessageId, 'user', input.prompt, 'complete', input.placement?.promptParent ?? null]);
    rows.push([answerId, 'assistant', '', 'streaming', userMessageId]);
    // $1 operation, $2 now, $3 answer id, then 5 parameters per row
    const values = rows.map((_, i) => `($${4 + i * 5}::text, ${i + 1}, $${5 + i * 5}::text, $${6 + i * 5}::text, $${7 + i * 5}::text, $${8 + i * 5}::text)`);
    const params: unknown[] = [input.operation, now, answerId, ...rows.flat()];
    const insert = `INSERT INTO messages (id, conversation_id, seq, role, operation, content, status, created_at, parent_id)
       SELECT v.id, c.id, c.base + v.i, v.role, $1, v.content, v.status, $2, v.parent
       FROM c, (VALUES ${values.join(', ')}) AS v (id, i, role, content, status, parent)
       RETURNING conversation_id`;
    const n = rows.length;
    if (input.conversationId) {
      const p = params.length;
      const written = await this.db.query<{ conversation_id: string }>(
        `WITH c AS (UPDATE conversations SET message_count = message_count + ${n}, updated_at = $2, active_message_id = $3
                    WHERE id = $${p + 1} AND workspace_id = $${p + 2} AND builder = $${p + 3} AND deleted_at IS NULL
                    RETURNING id, message_count - ${n} AS base)
         ${insert}`,
        [...params, input.conversationId, ctx.workspaceId, ctx.builder],
      );
      if (!written[0]) throw notFound();
      return { conversationId: input.conversationId, userMessageId, answerId };
    }
    const conversationId = newId('conv');
    const p = params.length;
    await this.db.query(
      `WITH c AS (INSERT INTO conversations (id, workspace_id, builder, title, operation, message_count, created_at, updated_at, active_message_id)
                  VALUES ($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $1, ${n}, $2, $2, $3) RETURNING id, 0 AS base)
       ${insert}`,
      [...params, conversationId, ctx.workspaceId, ctx.builder, titleOf(input.prompt)],
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
       WHERE workspace_id = $1 AND builder = $2 AND deleted_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT $3`,
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

  /** The conversation with its active branch; each message names its versions. */
  async get(ctx: BuilderContext, conversationId: string): Promise<Conversation> {
    const conversation = await this.conversation(ctx, conversationId);
    const rows = await this.messages(conversationId);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const siblings = new Map<string, string[]>();
    for (const r of rows) {
      const at = `${r.parent_id ?? ''}|${r.role}`;
      siblings.set(at, [...(siblings.get(at) ?? []), r.id]);
    }
    const leaf = conversation.active_message_id ?? rows.at(-1)?.id ?? null;
    const staleBefore = this.clock.now().getTime() - this.staleAfterMs;
    const messages: Message[] = pathTo(byId, leaf).map((r) => ({
      id: r.id,
      role: r.role,
      operation: r.operation,
      content: r.content,
      status: r.status === 'streaming' && new Date(r.created_at).getTime() < staleBefore ? 'failed' : r.status,
      receipt: r.receipt,
      createdAt: iso(r.created_at),
      parentId: r.parent_id,
      versions: siblings.get(`${r.parent_id ?? ''}|${r.role}`) ?? [r.id],
      feedback: r.feedback,
    }));
    return {
      id: conversation.id,
      title: conversation.title,
      messages,
      activeMessageId: leaf,
      createdAt: iso(conversation.created_at),
      updatedAt: iso(conversation.updated_at),
    };
  }

  /** Renames a conversation, or shows another version: the branch through `activeMessageId`, to its newest end. */
  async update(ctx: BuilderContext, conversationId: string, patch: { title?: string; activeMessageId?: string }): Promise<Conversation> {
    await this.conversation(ctx, conversationId);
    let leaf: string | null = null;
    if (patch.activeMessageId !== undefined) {
      const rows = await this.messages(conversationId);
      if (!rows.some((r) => r.id === patch.activeMessageId)) throw messageNotFound();
      const newestChild = new Map<string, string>();
      for (const r of rows) if (r.parent_id) newestChild.set(r.parent_id, r.id); // rows are in seq order: the last wins
      leaf = patch.activeMessageId;
      for (let next = newestChild.get(leaf); next; next = newestChild.get(leaf)) leaf = next;
    }
    await this.db.query(
      `UPDATE conversations SET title = COALESCE($4, title), active_message_id = COALESCE($5, active_message_id)
       WHERE id = $1 AND workspace_id = $2 AND builder = $3 AND deleted_at IS NULL`,
      [conversationId, ctx.workspaceId, ctx.builder, patch.title?.trim() ?? null, leaf],
    );
    return this.get(ctx, conversationId);
  }

  /** Deletes a conversation for its builder: it is no longer listed, read or continued. */
  async remove(ctx: BuilderContext, conversationId: string): Promise<{ id: string; deleted: true }> {
    const rows = await this.db.query(
      `UPDATE conversations SET deleted_at = $4 WHERE id = $1 AND workspace_id = $2 AND builder = $3 AND deleted_at IS NULL RETURNING id`,
      [conversationId, ctx.workspaceId, ctx.builder, this.clock.now()],
    );
    if (!rows[0]) throw notFound();
    return { id: conversationId, deleted: true };
  }

  /** The builder's 👍/👎 on an answer, kept with the message (a new rating replaces the last). */
  async setFeedback(
    ctx: BuilderContext,
    conversationId: string,
    messageId: string,
    input: FeedbackRequest,
  ): Promise<{ conversationId: string; messageId: string; feedback: Feedback }> {
    await this.conversation(ctx, conversationId);
    const feedback: Feedback = { rating: input.rating, ...(input.comment ? { comment: input.comment } : {}), updatedAt: this.clock.now().toISOString() };
    const rows = await this.db.query<{ role: string }>(
      `UPDATE messages SET feedback = CASE WHEN role = 'assistant' THEN $3::jsonb ELSE feedback END
       WHERE id = $1 AND conversation_id = $2 RETURNING role`,
      [messageId, conversationId, JSON.stringify(feedback)],
    );
    if (!rows[0]) throw messageNotFound();
    if (rows[0].role !== 'assistant') throw new ApiError('invalid_input', 'messageId: feedback is for answers', { field: 'messageId' });
    return { conversationId, messageId, feedback };
  }
}
