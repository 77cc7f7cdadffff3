import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.js';
import { SseStream } from '../metering/sse-stream.js';
import type { SqlClient } from '../store/store.js';
import type { AppEnv } from './auth.js';

export interface RateLimit {
  /** sustained requests per minute per builder; 0 turns the limit off */
  perMinute: number;
  /** requests a builder may make at once before the sustained rate applies */
  burst: number;
}

/** What a limited request gets: on its way, with a streaming slot to release at the end; or refused. */
export type Admission =
  | { ok: true; release?: () => Promise<void> }
  | { ok: false; reason: 'rate'; retryAfter: number }
  | { ok: false; reason: 'streams' };

/** Where the per-builder limits are counted: in this process (PGlite), or in PostgreSQL for every process. */
export interface LimitCounter {
  /**
   * Takes one request from the bucket of `key` (when `rate` limits) and, when `slots` is
   * set, one of that many streaming slots: both, or neither is granted a slot.
   */
  admit(key: string, rate: RateLimit | undefined, slots: number | undefined): Promise<Admission>;
}

/** Seconds until a bucket holding `tokens` has one again, at least 1. */
function secondsUntilOne(tokens: number, perMinute: number): number {
  return Math.max(1, Math.ceil(((1 - tokens) * 60) / perMinute));
}

/**
 * Token buckets and slot counts in this process: for PGlite, whose data directory one
 * process owns. Behind a load balancer each process would count its own share; PostgreSQL
 * counts for all of them (PostgresLimits).
 */
export class MemoryLimits implements LimitCounter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly active = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  admit(key: string, rate: RateLimit | undefined, slots: number | undefined): Promise<Admission> {
    if (rate && rate.perMinute > 0) {
      const perMs = rate.perMinute / 60_000;
      const t = this.now();
      const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: t };
      bucket.tokens = Math.min(rate.burst, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      this.buckets.set(key, bucket);
      if (bucket.tokens < 1) return Promise.resolve({ ok: false, reason: 'rate', retryAfter: secondsUntilOne(bucket.tokens, rate.perMinute) });
      bucket.tokens -= 1;
      // Forget builders whose bucket has refilled, so the map stays as small as the active set.
      if (this.buckets.size > 10_000) {
        for (const [k, b] of this.buckets) if (b.tokens + (t - b.at) * perMs >= rate.burst) this.buckets.delete(k);
      }
    }
    if (!slots) return Promise.resolve({ ok: true });
    const count = this.active.get(key) ?? 0;
    if (count >= slots) return Promise.resolve({ ok: false, reason: 'streams' });
    this.active.set(key, count + 1);
    let released = false;
    const release = (): Promise<void> => {
      if (!released) {
        released = true;
        const left = (this.active.get(key) ?? 1) - 1;
        if (left <= 0) this.active.delete(key);
        else this.active.set(key, left);
      }
      return Promise.resolve();
    };
    return Promise.resolve({ ok: true, release });
  }
}

/** How long a streaming slot's lease lasts unless its process renews it (a third of it, on a timer). */
const SLOT_LEASE_SECONDS = 60;

/**
 * Joined into a limit's statement: its transaction commits without waiting for the WAL to
 * reach the disk (synchronous_commit off for this transaction only). Buckets and slots are no
 * money: a crash that loses their last milliseconds gives a builder back a few tokens, or a
 * slot whose stream died with the server anyway; the wait for the flush was most of what the
 * shared limits added before a streamed answer's first delta.
 */
const RELAXED = `(SELECT set_config('synchronous_commit', 'off', true)) AS relaxed`;

/**
 * The bucket of `$1` (burst `$2`, `$3` per second) loses one token when it has one; `allowed` says whether it had.
 */
const TAKE_TOKEN = `
  INSERT INTO rate_buckets AS b (key, tokens, at, allowed)
  SELECT $1, CASE WHEN $2::float8 >= 1 THEN $2::float8 - 1 ELSE $2::float8 END, now(), $2::float8 >= 1
  FROM ${RELAXED}
  ON CONFLICT (key) DO UPDATE SET
    tokens = least($2::float8, b.tokens + greatest(0, extract(epoch FROM now() - b.at)) * $3::float8)
      - CASE WHEN least($2::float8, b.tokens + greatest(0, extract(epoch FROM now() - b.at)) * $3::float8) >= 1 THEN 1 ELSE 0 END,
    at = greatest(b.at, now()),
    allowed = least($2::float8, b.tokens + greatest(0, extract(epoch FROM now() - b.at)) * $3::float8) >= 1
  RETURNING allowed, tokens`;

/**
 * The lowest free slot of key `$1` for a holder; a slot whose lease ran out is free. `n` names
 * the parameters of the slot count, the holder and the lease; `gate` joins the token's row.
 */
const takeSlot = (n: [number, number, number], gate = '') => `
  INSERT INTO stream_slots AS s (key, slot, holder, expires_at)
  SELECT $1, n, $${n[1]}, now() + make_interval(secs => $${n[2]}::float8)
  FROM ${gate ? 'bucket, ' : `${RELAXED}, `}generate_series(1, $${n[0]}::int) AS n
  WHERE ${gate}NOT EXISTS (SELECT 1 FROM stream_slots x WHERE x.key = $1 AND x.slot = n AND x.expires_at > now())
  ORDER BY n LIMIT 1
  ON CONFLICT (key, slot) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE s.expires_at <= now()
  RETURNING slot`;
const TAKE_SLOT = takeSlot([2, 3, 4]);

/** Token and slot in one round trip: the slot only when the token was granted. */
const TAKE_TOKEN_AND_SLOT = `
  WITH bucket AS (${TAKE_TOKEN}), slot AS (${takeSlot([4, 5, 6], 'bucket.allowed AND ')})
  SELECT bucket.allowed, bucket.tokens, (SELECT slot FROM slot) AS slot FROM bucket`;

/**
 * Limits that hold across every server process on one PostgreSQL: a builder whose requests
 * land on two processes gets the same limit as on one. The token bucket is one row per
 * builder, updated in one statement on the database's clock. A streaming slot is a row with
 * a lease: taken in one statement (the lowest free slot number, so two processes racing for
 * it cannot both win), deleted when the stream ends, renewed by its process while it streams;
 * the slots of a process that died free themselves when their lease runs out.
 */
export class PostgresLimits implements LimitCounter {
  private readonly held = new Set<string>();
  private renewal: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly db: SqlClient) {}

  async admit(key: string, rate: RateLimit | undefined, slots: number | undefined): Promise<Admission> {
    const limited = rate !== undefined && rate.perMinute > 0;
    if (!limited && !slots) return { ok: true };
    const holder = randomUUID();
    let slot: number | null = null;
    if (limited) {
      const params = [key, rate.burst, rate.perMinute / 60];
      const [row] = slots
        ? await this.db.query<{ allowed: boolean; tokens: number; slot: number | null }>(TAKE_TOKEN_AND_SLOT, [...params, slots, holder, SLOT_LEASE_SECONDS])
        : await this.db.query<{ allowed: boolean; tokens: number; slot: number | null }>(TAKE_TOKEN, params);
      if (!row!.allowed) return { ok: false, reason: 'rate', retryAfter: secondsUntilOne(Number(row!.tokens), rate.perMinute) };
      if (!slots) return { ok: true };
      slot = row!.slot ?? null;
    }
    // a slot lost to another process between look and take: look again while any is free
    for (let tries = 0; slot === null && tries <= slots!; tries++) {
      if (limited || tries > 0) {
        const [live] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM stream_slots WHERE key = $1 AND expires_at > now()', [key]);
        if (Number(live!.n) >= slots!) return { ok: false, reason: 'streams' };
      }
      const [row] = await this.db.query<{ slot: number }>(TAKE_SLOT, [key, slots, holder, SLOT_LEASE_SECONDS]);
      slot = row?.slot ?? null;
    }
    if (slot === null) return { ok: false, reason: 'streams' };
    this.hold(holder);
    const taken = slot;
    let released: Promise<void> | undefined;
    const release = (): Promise<void> =>
      (released ??= (async () => {
        this.held.delete(holder);
        await this.db.query(`DELETE FROM stream_slots USING ${RELAXED} WHERE key = $1 AND slot = $2 AND holder = $3`, [key, taken, holder]);
      })().catch((err: unknown) => {
        // the lease runs out on its own
        console.error('credit-chat: freeing a stream slot failed:', err instanceof Error ? err.message : 'unknown error');
      }));
    return { ok: true, release };
  }

  /** Renews the leases of this process's slots while any is held. */
  private hold(holder: string): void {
    this.held.add(holder);
    if (this.renewal) return;
    this.renewal = setInterval(() => {
      if (this.held.size === 0) {
        clearInterval(this.renewal);
        this.renewal = undefined;
        return;
      }
      this.db
        .query('UPDATE stream_slots SET expires_at = now() + make_interval(secs => $2::float8) WHERE holder = ANY($1::text[])', [[...this.held], SLOT_LEASE_SECONDS])
        .catch((err: unknown) => console.error('credit-chat: renewing stream slots failed:', err instanceof Error ? err.message : 'unknown error'));
    }, (SLOT_LEASE_SECONDS * 1000) / 3);
    this.renewal.unref();
  }
}

/** Keeps `release` pending until the answer's body has been read to its end or cancelled. */
function releaseWhenDone(body: ReadableStream<Uint8Array>, release: () => Promise<void>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          // the slot is free before the client sees the end
          await release();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (err) {
        await release();
        controller.error(err);
      }
    },
    async cancel(reason) {
      await release();
      return reader.cancel(reason);
    },
  });
}

export interface BuilderLimitOptions {
  /** requests per builder; undefined or a perMinute of 0: no limit */
  rateLimit?: RateLimit;
  /** streamed answers at once per builder; 0 or undefined: no cap */
  maxStreams?: number;
}

/**
 * The per-builder limits of every route a builder's token opens, /api/v1 and the gateway
 * alike, counted in one place: one bucket and one set of streaming slots per builder whichever
 * route a request takes. Over the rate: 429 `rate_limited` with `Retry-After` in whole
 * seconds; over the streams: 429 `too_many_streams`. The slot is held until the answer's
 * body ends, not just until the handler returns.
 */
export class BuilderLimits {
  constructor(
    private readonly counter: LimitCounter,
    private readonly options: BuilderLimitOptions,
  ) {}

  /**
   * The middleware, after authentication; `streams(c)` says which requests take a streaming slot.
   * Those are the metered ones (/chat, the gateway's completions): their pipeline claims the
   * idempotency key while the limits decide (`admitted`), so the limits' round trip to PostgreSQL
   * is not one more before the first delta; a refusal frees the claim and answers 429, as when
   * the limits decide first. Other requests wait for the limits before their handler runs.
   */
  middleware(streams: (c: Context<AppEnv>) => boolean): MiddlewareHandler<AppEnv> {
    const rate = this.options.rateLimit && this.options.rateLimit.perMinute > 0 ? this.options.rateLimit : undefined;
    const max = this.options.maxStreams || undefined;
    const refusal = (admission: Exclude<Admission, { ok: true }>): ApiError => {
      if (admission.reason === 'rate') {
        const { retryAfter } = admission;
        return new ApiError('rate_limited', `Too many requests; retry in ${retryAfter} s.`, { retryAfter }, { 'Retry-After': String(retryAfter) });
      }
      return new ApiError('too_many_streams', `At most ${max} answers can stream at once; stop one or wait.`, { retryAfter: 1 }, { 'Retry-After': '1' });
    };
    return async (c, next) => {
      const metered = streams(c);
      const slots = max !== undefined && metered ? max : undefined;
      if (!rate && !slots) return next();
      const builder = c.get('builder');
      const pending = this.counter.admit(`${builder.workspaceId}/${builder.builder}`, rate, slots);
      if (!metered) {
        const admission = await pending;
        if (!admission.ok) throw refusal(admission);
        return next();
      }
      const admitted = pending.then((admission) => {
        if (!admission.ok) throw refusal(admission);
      });
      admitted.catch(() => {});
      c.set('admitted', admitted);
      let failed: { err: unknown } | undefined;
      try {
        await next();
      } catch (err) {
        failed = { err };
      }
      // a refusal is the answer whatever the handler did (it threw it, or failed before asking)
      const admission = await pending;
      if (!admission.ok) throw refusal(admission);
      const { release } = admission;
      if (failed) {
        await release?.();
        throw failed.err;
      }
      if (!release) return;
      // an answer's event stream frees the slot as it ends; another body, once read
      const sse = SseStream.of(c.res.body);
      if (sse) sse.beforeEnd(release);
      else if (c.res.body) c.res = new Response(releaseWhenDone(c.res.body, release), c.res);
      else await release();
    };
  }
}

/**
 * Refuses a body larger than `maxBytes` with 413 before reading it. A declared Content-Length
 * is decided from the header alone (Node's parser never reads past it); only a chunked body is
 * counted as it streams, by Hono's bodyLimit, which turns the request into a web Request and
 * costs a fifth of a small request's CPU.
 */
export function limitBodySize(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new ApiError('payload_too_large', `The request body is larger than ${maxBytes} bytes.`, { field: 'body' });
  };
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > maxBytes) tooLarge();
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return counted(c, next);
  };
}
