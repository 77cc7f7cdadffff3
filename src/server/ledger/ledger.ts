import {
  fromMillicredits,
  toMillicredits,
  type AddonGrant,
  type AddonRequest,
  type Balance,
  type CreateHoldRequest,
  type DebitRequest,
  type Hold,
  type LicenseRequest,
  type LimitMode,
  type BalanceAlert,
  type OperationType,
  type Receipt,
  type UsageEntry,
  type UsageResponse,
} from '../../contract/index.js';
import { ApiError } from '../errors.js';
import type { Store } from '../store/store.js';
import { cycleWindow, oneYearAfter, type CycleWindow } from './cycle.js';
import { newId, newToken, sha256 } from './ids.js';
import { changeLicense, type LicenseResult } from './license-change.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Who is asking: a builder of one workspace, as their token names them. */
export interface BuilderContext {
  workspaceId: string;
  builder: string;
  timeZone: string;
  cycleAnchorDay: number | null;
  /** the workspace pays with its own provider key */
  byok: boolean;
  /** SHA-256 of the builder's token, re-checked inside every ledger statement; null for trusted callers */
  tokenHash: string | null;
  /** what the token may do besides spending (e.g. `billing`), as minted; absent for trusted callers */
  roles?: readonly string[];
  /** when the token stops working; null: never (the CLI's tokens) */
  expiresAt?: Date | null;
  /** browser origins the workspace allows; empty: any (the operator's CORS list still applies) */
  allowedOrigins?: readonly string[];
}

/** What the admin API and the CLI mint. */
export interface IssuedToken {
  token: string;
  builder: string;
  workspaceId: string;
  expiresAt: string | null;
  roles: string[];
}

/** What a provider reported for a settled operation, kept on the receipt. */
export interface UsageDetails {
  provider?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** millicredits shown before sending */
  estimateExpected?: number;
  estimateMax?: number;
}

interface BalanceRow {
  monthlyAllocated: number;
  monthlyAvailable: number;
  monthlyRenewsAt: string | null;
  addonAvailable: number;
  addonExpiresAt: string | null;
  held: number;
  asOf: string;
}
interface HoldRow {
  id: string;
  status: Hold['status'];
  operation: OperationType;
  amount: number;
  fromMonthly: number;
  fromAddon: number;
  expiresAt: string;
  createdAt: string;
}
interface ReceiptRow {
  id: string;
  operation: OperationType;
  credits: number;
  fromMonthly: number;
  fromAddon: number;
  balance: BalanceRow;
  createdAt: string;
  byok: boolean;
  provider: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  estimateExpected: number | null;
  estimateMax: number | null;
  builder: string;
  description: string | null;
}
interface GrantRow {
  id: string;
  amount: number;
  reference: string;
  purchasedAt: string;
  expiresAt: string;
}
/** What the ledger's SQL functions answer: an HTTP status and the result or refusal. */
interface Outcome {
  status: number;
  code?: string;
  needed?: number;
  available?: number;
  held?: number;
  holdStatus?: Hold['status'];
  hold?: HoldRow;
  receipt?: ReceiptRow | null;
  grant?: GrantRow;
  balance?: BalanceRow;
  replayed?: boolean;
  /** a builder's limit: on a builder_limit_reached refusal (used, limit) and with GET /balance */
  used?: number;
  limit?: number;
  builderLimit?: { credits: number; used: number; mode: LimitMode } | null;
  alerts?: BalanceAlert[];
}

const c = fromMillicredits;

function toBalance(row: BalanceRow, byok: boolean): Balance {
  return {
    total: c(row.monthlyAvailable + row.addonAvailable),
    held: c(row.held),
    monthly: { allocated: c(row.monthlyAllocated), available: c(row.monthlyAvailable), renewsAt: row.monthlyRenewsAt },
    addon: { available: c(row.addonAvailable), expiresAt: row.addonExpiresAt },
    byok,
    asOf: row.asOf,
  };
}

function toHold(row: HoldRow): Hold {
  return {
    id: row.id,
    status: row.status,
    operation: row.operation,
    credits: c(row.amount),
    fromMonthly: c(row.fromMonthly),
    fromAddon: c(row.fromAddon),
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
  };
}

function toReceipt(row: ReceiptRow, byok: boolean): Receipt {
  const receipt: Receipt = {
    id: row.id,
    operation: row.operation,
    credits: c(row.credits),
    fromMonthly: c(row.fromMonthly),
    fromAddon: c(row.fromAddon),
    balance: toBalance(row.balance, byok),
    createdAt: row.createdAt,
  };
  if (row.model !== null && row.inputTokens !== null && row.outputTokens !== null) {
    receipt.usage = { provider: row.provider ?? 'unknown', model: row.model, inputTokens: row.inputTokens, outputTokens: row.outputTokens };
  }
  if (row.estimateExpected !== null && row.estimateMax !== null) {
    receipt.estimate = { expected: c(row.estimateExpected), max: c(row.estimateMax) };
  }
  if (row.byok) receipt.byok = true;
  return receipt;
}

function toUsageEntry(row: ReceiptRow): UsageEntry {
  return {
    id: row.id,
    operation: row.operation,
    credits: c(row.credits),
    fromMonthly: c(row.fromMonthly),
    fromAddon: c(row.fromAddon),
    builder: row.builder,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    model: row.model,
    byok: row.byok,
    description: row.description,
    createdAt: row.createdAt,
  };
}

function toAddonGrant(row: GrantRow): AddonGrant {
  return { id: row.id, credits: c(row.amount), reference: row.reference, purchasedAt: row.purchasedAt, expiresAt: row.expiresAt };
}

/** Turns a refusal of the SQL functions into the API's error. */
function refusal(outcome: Outcome, what: string): ApiError {
  switch (outcome.status) {
    case 401:
      return new ApiError('unauthorized', 'The token is unknown or revoked.');
    case 402:
      if (outcome.code === 'builder_limit_reached') {
        return new ApiError('builder_limit_reached', "This builder's credit limit for the cycle does not leave room for this operation.", {
          needed: c(outcome.needed ?? 0),
          used: c(outcome.used ?? 0),
          limit: c(outcome.limit ?? 0),
        });
      }
      return new ApiError('insufficient_credits', 'Not enough credits for this operation.', {
        needed: c(outcome.needed ?? 0),
        available: c(outcome.available ?? 0),
      });
    case 404:
      return new ApiError('not_found', `${what} not found`);
    case 409:
      return new ApiError('hold_not_pending', `The hold is already ${outcome.holdStatus}.`, {
        status: outcome.holdStatus,
        ...(outcome.receipt ? { receiptId: outcome.receipt.id } : {}),
      });
    case 422:
      return new ApiError('idempotency_mismatch', 'This idempotency key was used with other parameters.');
    case 400:
      return new ApiError('invalid_input', `credits: must be at most the hold (${c(outcome.held ?? 0)})`, { field: 'credits' });
    default:
      return new ApiError('internal', `unexpected ledger outcome ${outcome.status}`);
  }
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[1] === 'string' &&
      /^[A-Za-z0-9_]{1,100}$/.test(parsed[1]) &&
      typeof parsed[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(parsed[0]) &&
      !Number.isNaN(Date.parse(parsed[0]))
    ) {
      return [String(parsed[0]), parsed[1]];
    }
  } catch {
    // fall through
  }
  throw new ApiError('invalid_input', 'cursor: not a cursor this API gave out', { field: 'cursor' });
}

/**
 * The credit ledger. Every state change is one call of a SQL function: one statement, one
 * short transaction with the workspace row locked; no lock outlives the call.
 */
const CONTEXT_CACHE_MS = 5_000;
const CONTEXT_CACHE_SIZE = 10_000;

export class Ledger {
  private readonly contexts = new Map<string, { context: BuilderContext; until: number }>();
  private readonly cycles = new Map<string, CycleWindow>();

  constructor(
    readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  private cycle(ctx: Pick<BuilderContext, 'cycleAnchorDay' | 'timeZone'>, now: Date): CycleWindow | undefined {
    if (ctx.cycleAnchorDay === null) return undefined;
    // The window stays the same for a month: remember the last one per anchor and zone.
    const key = `${ctx.cycleAnchorDay}|${ctx.timeZone}`;
    const known = this.cycles.get(key);
    if (known && known.start.getTime() <= now.getTime() && now.getTime() < known.end.getTime()) return known;
    const window = cycleWindow(now, ctx.cycleAnchorDay, ctx.timeZone);
    if (this.cycles.size >= CONTEXT_CACHE_SIZE) this.cycles.clear();
    this.cycles.set(key, window);
    return window;
  }

  private async call(sql: string, params: unknown[]): Promise<Outcome> {
    const rows = await this.store.query<{ outcome: Outcome }>(`SELECT ${sql} AS outcome`, params);
    return rows[0]!.outcome;
  }

  /**
   * Calls a builder-facing ledger function. Each takes (workspace, token hash, ...args, now,
   * cycle start, cycle end): the token is checked again and the workspace prepared in the
   * same statement.
   */
  private async callAs(ctx: BuilderContext, fn: string, args: unknown[]): Promise<Outcome> {
    const now = this.now();
    const cycle = this.cycle(ctx, now);
    const params = [ctx.workspaceId, ctx.tokenHash, ...args, now, cycle?.start ?? null, cycle?.end ?? null];
    return this.call(`${fn}(${params.map((_, i) => `$${i + 1}`).join(', ')})`, params);
  }

  // ---- administration ----------------------------------------------------------------

  async createWorkspace(input: { name: string; timeZone?: string }): Promise<{ id: string }> {
    const id = newId('ws');
    await this.store.query('INSERT INTO workspaces (id, name, time_zone, created_at) VALUES ($1, $2, $3, $4)', [
      id,
      input.name,
      input.timeZone ?? 'UTC',
      this.now(),
    ]);
    return { id };
  }

  /** Sets the license; mid-cycle, a raise grants the prorated difference at once (license-change.ts). */
  async setLicense(workspaceId: string, input: LicenseRequest): Promise<LicenseResult> {
    const license = await changeLicense(this.store, this.now(), workspaceId, input);
    this.forgetContexts(workspaceId);
    return license;
  }

  async addAddon(workspaceId: string, input: AddonRequest): Promise<AddonGrant> {
    const now = this.now();
    const outcome = await this.call('cc_add_addon($1, $2, $3, $4, $5)', [
      workspaceId,
      toMillicredits(input.credits),
      input.reference,
      now,
      oneYearAfter(now),
    ]);
    if (outcome.status !== 200 || !outcome.grant) throw refusal(outcome, 'workspace');
    return toAddonGrant(outcome.grant);
  }

  /**
   * Mints a builder token. `ttlSeconds` null: it never expires (the CLI's tokens); the admin
   * API always passes one (15 minutes unless asked otherwise).
   */
  async issueToken(
    workspaceId: string,
    builder: string,
    options: { ttlSeconds?: number | null; roles?: readonly string[] } = {},
  ): Promise<IssuedToken> {
    const token = newToken();
    const now = this.now();
    const expiresAt = options.ttlSeconds ? new Date(now.getTime() + options.ttlSeconds * 1000) : null;
    const roles = [...(options.roles ?? [])];
    const rows = await this.store.query(
      `INSERT INTO builder_tokens (token_hash, workspace_id, builder, created_at, expires_at, roles)
       SELECT $1, id, $3, $4, $5, $6::text[] FROM workspaces WHERE id = $2 RETURNING workspace_id`,
      [sha256(token), workspaceId, builder, now, expiresAt, [...new Set(roles)]],
    );
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
    return { token, builder, workspaceId, expiresAt: expiresAt?.toISOString() ?? null, roles };
  }

  /** Sets the browser origins allowed to call the API with the workspace's tokens. */
  async setOrigins(workspaceId: string, origins: readonly string[]): Promise<{ workspaceId: string; origins: string[] }> {
    const unique = [...new Set(origins)];
    const rows = await this.store.query('UPDATE workspaces SET allowed_origins = $2 WHERE id = $1 RETURNING id', [workspaceId, unique]);
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
    this.forgetContexts(workspaceId);
    this.origins = undefined;
    return { workspaceId, origins: unique };
  }

  /**
   * Every origin some workspace allows: what a CORS preflight, which carries no token, may be
   * answered for. Read at most once per CONTEXT_CACHE_MS (and at once after setOrigins here).
   */
  allOrigins(): Promise<readonly string[]> {
    if (!this.origins || this.origins.until <= Date.now()) {
      const list = this.store
        .query<{ origin: string }>('SELECT DISTINCT unnest(allowed_origins) AS origin FROM workspaces')
        .then((rows) => rows.map((r) => r.origin))
        .catch(() => []);
      this.origins = { list, until: Date.now() + CONTEXT_CACHE_MS };
    }
    return this.origins.list;
  }
  private origins: { list: Promise<readonly string[]>; until: number } | undefined;

  /** Revokes a token at once: the next request with it is refused. */
  async revokeToken(token: string): Promise<boolean> {
    const rows = await this.store.query(
      'UPDATE builder_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING token_hash',
      [sha256(token), this.now()],
    );
    this.contexts.delete(sha256(token));
    return rows.length > 0;
  }

  /** Drops the cached contexts of a workspace after a change to what they hold. */
  forgetContexts(workspaceId: string): void {
    for (const [hash, entry] of this.contexts) if (entry.context.workspaceId === workspaceId) this.contexts.delete(hash);
  }

  /** A refusal for a builder; a 401 also drops the token from the context cache. */
  private refused(ctx: BuilderContext, outcome: Outcome, what: string): ApiError {
    if (outcome.status === 401 && ctx.tokenHash) this.contexts.delete(ctx.tokenHash);
    return refusal(outcome, what);
  }

  /**
   * The builder a token names, or null for an unknown or revoked token. Contexts are cached
   * for a few seconds to save a round trip per request; that is safe because every ledger
   * statement checks the token again (revocation is immediate), and the cache only holds the
   * time zone and anchor day used to compute the cycle.
   */
  async authenticate(token: string): Promise<BuilderContext | null> {
    const tokenHash = sha256(token);
    const cached = this.contexts.get(tokenHash);
    if (cached && cached.until > Date.now()) return this.unexpired(cached.context);
    const context = await this.lookUpToken(tokenHash);
    if (context) {
      if (this.contexts.size >= CONTEXT_CACHE_SIZE) this.contexts.delete(this.contexts.keys().next().value!);
      this.contexts.set(tokenHash, { context, until: Date.now() + CONTEXT_CACHE_MS });
    } else {
      this.contexts.delete(tokenHash);
    }
    return context && this.unexpired(context);
  }

  /** The context, or a 401 `token_expired` once its token's lifetime is over (by the ledger's clock). */
  private unexpired(context: BuilderContext): BuilderContext {
    if (context.expiresAt && context.expiresAt.getTime() <= this.now().getTime()) {
      throw new ApiError('token_expired', 'The token has expired: ask your server for a new one.', {
        expiredAt: context.expiresAt.toISOString(),
      });
    }
    return context;
  }

  private async lookUpToken(tokenHash: string): Promise<BuilderContext | null> {
    const rows = await this.store.query<{
      workspace_id: string;
      builder: string;
      time_zone: string;
      cycle_anchor_day: number | null;
      byok: boolean;
      roles: string[];
      expires_at: Date | string | null;
      allowed_origins: string[];
    }>(
      `SELECT t.workspace_id, t.builder, w.time_zone, l.cycle_anchor_day, b.workspace_id IS NOT NULL AS byok,
              t.roles, t.expires_at, w.allowed_origins
       FROM builder_tokens t JOIN workspaces w ON w.id = t.workspace_id
       LEFT JOIN licenses l ON l.workspace_id = t.workspace_id
       LEFT JOIN byok_keys b ON b.workspace_id = t.workspace_id
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      workspaceId: row.workspace_id,
      builder: row.builder,
      timeZone: row.time_zone,
      cycleAnchorDay: row.cycle_anchor_day === null ? null : Number(row.cycle_anchor_day),
      byok: row.byok === true,
      tokenHash,
      roles: row.roles ?? [],
      expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
      allowedOrigins: row.allowed_origins ?? [],
    };
  }

  // ---- a builder's credits ------------------------------------------------------------

  /**
   * The balance now, with the builder's limit when one applies; opens this cycle's monthly
   * grant and releases what has expired.
   */
  async balance(ctx: BuilderContext): Promise<Balance> {
    const outcome = await this.callAs(ctx, 'cc_builder_balance', [ctx.builder]);
    if (outcome.status !== 200 || !outcome.balance) throw this.refused(ctx, outcome, 'workspace');
    const limit = outcome.builderLimit;
    return {
      ...toBalance(outcome.balance, ctx.byok),
      builderLimit: limit ? { credits: c(limit.credits), used: c(limit.used), mode: limit.mode } : null,
      alerts: outcome.alerts ?? [],
    };
  }

  async createHold(ctx: BuilderContext, input: CreateHoldRequest): Promise<Hold> {
    const amount = toMillicredits(input.credits);
    const ttl = input.ttlSeconds ?? 600;
    const hash = sha256(JSON.stringify(['hold', input.operation, amount, ttl]));
    const outcome = await this.callAs(ctx, 'cc_create_hold', [ctx.builder, input.idempotencyKey, hash, input.operation, amount, ttl]);
    if (outcome.status !== 200 || !outcome.hold) throw this.refused(ctx, outcome, 'workspace');
    return toHold(outcome.hold);
  }

  async capture(ctx: BuilderContext, holdId: string, credits: number, usage: UsageDetails = {}): Promise<Receipt> {
    const outcome = await this.callAs(ctx, 'cc_capture', [holdId, toMillicredits(credits), JSON.stringify(usage)]);
    if (outcome.status !== 200 || !outcome.receipt) throw this.refused(ctx, outcome, 'hold');
    return toReceipt(outcome.receipt, ctx.byok);
  }

  async voidHold(ctx: BuilderContext, holdId: string): Promise<Hold> {
    const outcome = await this.callAs(ctx, 'cc_void', [holdId]);
    if (outcome.status !== 200 || !outcome.hold) throw this.refused(ctx, outcome, 'hold');
    return toHold(outcome.hold);
  }

  async debit(ctx: BuilderContext, input: DebitRequest, usage: UsageDetails = {}): Promise<Receipt> {
    const amount = toMillicredits(input.credits);
    const description = input.description ?? null;
    const hash = sha256(JSON.stringify(['debit', input.operation, amount, description]));
    const outcome = await this.callAs(ctx, 'cc_debit', [
      ctx.builder,
      input.idempotencyKey,
      hash,
      input.operation,
      amount,
      description,
      JSON.stringify(usage),
    ]);
    if (outcome.status !== 200 || !outcome.receipt) throw this.refused(ctx, outcome, 'workspace');
    return toReceipt(outcome.receipt, ctx.byok);
  }

  /** Records an operation the workspace's own key paid for: no credits move. */
  async recordByok(ctx: BuilderContext, operation: OperationType, usage: UsageDetails): Promise<Receipt> {
    const outcome = await this.callAs(ctx, 'cc_record_byok', [ctx.builder, operation, JSON.stringify(usage)]);
    if (outcome.status !== 200 || !outcome.receipt) throw this.refused(ctx, outcome, 'workspace');
    return toReceipt(outcome.receipt, true);
  }

  async usage(ctx: BuilderContext, query: { limit?: number; cursor?: string }): Promise<UsageResponse> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.store.query<{ receipt: ReceiptRow }>(
      `SELECT cc_receipt_json(id) AS receipt FROM receipts
       WHERE workspace_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [ctx.workspaceId, after?.[0] ?? null, after?.[1] ?? '', limit + 1],
    );
    const page = rows.slice(0, limit).map((r) => r.receipt);
    const last = page.at(-1);
    return {
      entries: page.map(toUsageEntry),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /**
   * Releases holds past their TTL and expires grants past their date, in every workspace,
   * one short transaction per workspace. Requests do the same lazily for their own workspace.
   */
  async sweep(): Promise<number> {
    const now = this.now();
    const due = await this.store.query<{ workspace_id: string }>('SELECT id AS workspace_id FROM workspaces WHERE due_at <= $1', [now]);
    for (const { workspace_id } of due) {
      await this.store.query('SELECT cc_prepare($1, NULL, $2, NULL, NULL)', [workspace_id, now]);
    }
    return due.length;
  }
}
