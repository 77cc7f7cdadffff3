import type { OperationType } from '../../contract/index.js';
import { ApiError } from '../errors.js';
import type { BuilderContext, Clock } from '../ledger/ledger.js';
import type { SqlClient } from '../store/store.js';
import { modelFamilyPattern } from '../ai/priors.js';

/**
 * What an idempotency key of /chat or /v1/chat/completions gets:
 * - `run`: this request runs (a new key, or a key whose earlier attempt charged nothing)
 * - `replay`: an earlier attempt was settled; answer what it answered, run nothing
 * - `busy`: an earlier attempt is still running
 */
export type Claim =
  | { kind: 'run'; attempt: number; conversationId: string | null }
  | { kind: 'replay'; result: Record<string, unknown>; content: string | null }
  | { kind: 'busy' };

/** One attempt of a key: updates of an attempt that was taken over (it went stale) change nothing. */
export interface AttemptRef {
  ctx: BuilderContext;
  key: string;
  attempt: number;
}

/** How an attempt ended: `done` keeps the key for replays, `retryable` frees it (nothing was charged). */
export interface AttemptEnd {
  state: 'done' | 'retryable';
  finish: 'complete' | 'stopped' | 'failed';
  outputTokens: number | null;
  result: Record<string, unknown> | null;
}

interface ExistingRow {
  request_hash: string;
  state: 'running' | 'done' | 'retryable';
  attempt: number;
  started_at: Date | string;
  hold_status: string | null;
  conversation_id: string | null;
  result: Record<string, unknown> | null;
  content: string | null;
}

function refParams(ref: AttemptRef): [string, string, string, number] {
  return [ref.ctx.workspaceId, ref.ctx.builder, ref.key, ref.attempt];
}

/** The ai_requests table: one row per idempotency key of a builder's metered AI requests. */
export class AiRequestStore {
  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
    /** a `running` attempt older than this died with its server (its hold has expired) */
    private readonly staleAfterMs: number,
  ) {}

  async claim(ctx: BuilderContext, key: string, requestHash: string, operation: OperationType): Promise<Claim> {
    const now = this.clock.now();
    const inserted = await this.db.query<{ attempt: number }>(
      `INSERT INTO ai_requests (workspace_id, builder, idempotency_key, request_hash, operation, state, started_at)
       VALUES ($1, $2, $3, $4, $5, 'running', $6)
       ON CONFLICT (workspace_id, builder, idempotency_key) DO NOTHING RETURNING attempt`,
      [ctx.workspaceId, ctx.builder, key, requestHash, operation, now],
    );
    if (inserted[0]) return { kind: 'run', attempt: Number(inserted[0].attempt), conversationId: null };

    const [row] = await this.db.query<ExistingRow>(
      `SELECT r.request_hash, r.state, r.attempt, r.started_at, h.status AS hold_status, r.conversation_id, r.result, m.content
       FROM ai_requests r LEFT JOIN holds h ON h.id = r.hold_id LEFT JOIN messages m ON m.id = r.message_id
       WHERE r.workspace_id = $1 AND r.builder = $2 AND r.idempotency_key = $3`,
      [ctx.workspaceId, ctx.builder, key],
    );
    if (!row) return { kind: 'busy' };
    if (row.request_hash !== requestHash) {
      throw new ApiError('idempotency_mismatch', 'This idempotency key was used with other parameters.');
    }
    if (row.state === 'done') return { kind: 'replay', result: row.result ?? {}, content: row.content };
    const stale = now.getTime() - new Date(row.started_at).getTime() > this.staleAfterMs;
    if (row.state === 'running' && !(stale && row.hold_status !== 'captured')) return { kind: 'busy' };

    // Take the key over; the attempt number makes two concurrent retries race for one update.
    const taken = await this.db.query<{ attempt: number; conversation_id: string | null }>(
      `UPDATE ai_requests SET state = 'running', attempt = attempt + 1, started_at = $5, hold_id = NULL, message_id = NULL,
         finish = NULL, output_tokens = NULL, result = NULL, settled_at = NULL
       WHERE workspace_id = $1 AND builder = $2 AND idempotency_key = $3 AND attempt = $4
       RETURNING attempt, conversation_id`,
      [ctx.workspaceId, ctx.builder, key, row.attempt, now],
    );
    if (!taken[0]) return { kind: 'busy' };
    return { kind: 'run', attempt: Number(taken[0].attempt), conversationId: taken[0].conversation_id };
  }

  /** Notes the hold and the conversation of the running attempt. */
  async attach(ref: AttemptRef, links: { holdId: string | null; conversationId?: string; messageId?: string }): Promise<void> {
    await this.db.query(
      `UPDATE ai_requests SET hold_id = $5, conversation_id = coalesce($6, conversation_id), message_id = $7
       WHERE workspace_id = $1 AND builder = $2 AND idempotency_key = $3 AND attempt = $4`,
      [...refParams(ref), links.holdId, links.conversationId ?? null, links.messageId ?? null],
    );
  }

  async end(ref: AttemptRef, end: AttemptEnd): Promise<void> {
    await this.db.query(
      `UPDATE ai_requests SET state = $5, finish = $6, output_tokens = $7, result = $8, settled_at = $9
       WHERE workspace_id = $1 AND builder = $2 AND idempotency_key = $3 AND attempt = $4`,
      [...refParams(ref), end.state, end.finish, end.outputTokens, end.result === null ? null : JSON.stringify(end.result), this.clock.now()],
    );
  }

  /**
   * Leaves a key as a request refused by the per-builder limits found it: the row of a new key
   * goes (a refused request leaves no row behind), a key taken over is free again.
   */
  async unclaim(ref: AttemptRef): Promise<void> {
    if (ref.attempt > 1) return this.release(ref);
    await this.db.query(
      `DELETE FROM ai_requests
       WHERE workspace_id = $1 AND builder = $2 AND idempotency_key = $3 AND attempt = $4 AND state = 'running' AND hold_id IS NULL`,
      refParams(ref),
    );
  }

  /** Frees a key whose attempt was refused before anything ran (402, 400, 404, a provider's 429). */
  async release(ref: AttemptRef): Promise<void> {
    await this.db.query(
      `UPDATE ai_requests SET state = 'retryable', settled_at = $5
       WHERE workspace_id = $1 AND builder = $2 AND idempotency_key = $3 AND attempt = $4 AND state = 'running'`,
      [...refParams(ref), this.clock.now()],
    );
  }

  /**
   * Output tokens of the workspace's latest complete answers of a type, oldest first: what
   * learned estimates learn from. Stopped and failed answers are left out (they would drag
   * the estimate down); answers paid with the workspace's own key count, tokens being tokens.
   */
  async outputHistory(workspaceId: string, operation: OperationType, limit: number): Promise<number[]> {
    const rows = await this.db.query<{ output_tokens: number }>(
      `SELECT output_tokens FROM ai_requests
       WHERE workspace_id = $1 AND operation = $2 AND finish = 'complete' AND output_tokens IS NOT NULL
       ORDER BY settled_at DESC LIMIT $3`,
      [workspaceId, operation, limit],
    );
    return rows.map((r) => Number(r.output_tokens)).reverse();
  }

  /**
   * Usage of this instance's latest complete answers of a type on a model (every
   * workspace's, own keys included), oldest first: what a workspace without enough history
   * of its own is estimated from, and what GET /operations learns. The model is matched as
   * the provider reported it, with or without a vendor prefix or a dated snapshot suffix.
   */
  async instanceUsage(operation: OperationType, model: string, limit: number): Promise<{ inputTokens: number; outputTokens: number }[]> {
    const rows = await this.db.query<{ input_tokens: string | number; output_tokens: number }>(
      `SELECT r.result->'receipt'->'usage'->>'inputTokens' AS input_tokens, r.output_tokens FROM ai_requests r
       WHERE r.operation = $1 AND r.finish = 'complete' AND r.output_tokens IS NOT NULL
         AND r.result->'receipt'->'usage'->>'model' ~ $2
       ORDER BY r.settled_at DESC LIMIT $3`,
      [operation, modelFamilyPattern(model), limit],
    );
    return rows.map((r) => ({ inputTokens: Number(r.input_tokens ?? 0), outputTokens: Number(r.output_tokens) })).reverse();
  }
}
