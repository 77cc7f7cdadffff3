import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../ledger/ledger.js';
import type { Store } from '../store/store.js';
import { WEBHOOK_CHANNEL } from './schema.js';

/**
 * How long to wait after each failed attempt before the next: Standard Webhooks' (Svix's)
 * schedule. The first attempt goes out at once; eight attempts span 27 h 35 min, then the
 * delivery is `failed`.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, // 5 s
  5 * 60_000, // 5 min
  30 * 60_000, // 30 min
  2 * 3_600_000, // 2 h
  5 * 3_600_000, // 5 h
  10 * 3_600_000, // 10 h
  10 * 3_600_000, // 10 h
];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

export interface WebhookDeliveryOptions {
  /** the ledger's clock: attempts are scheduled and signed by it */
  clock: Clock;
  /** deliveries claimed per database round trip (default 100) */
  batchSize?: number;
  /** attempts in flight at once in this process (default 256) */
  maxInFlight?: number;
  /** an attempt's deadline (default 15 s) */
  timeoutMs?: number;
  /** how often the worker looks for due deliveries without being woken (default 1 s) */
  pollMs?: number;
}

interface Claimed {
  event_id: string;
  endpoint_id: string;
  attempts: number;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
  url: string;
  secret: string;
  previous_secret: string | null;
}

interface AttemptResult {
  claimed: Claimed;
  ok: boolean;
  status: number | null;
  error: string | null;
}

const USER_AGENT = 'credit-chat-webhooks/1';

/**
 * Claims due deliveries: FOR UPDATE SKIP LOCKED lets every server process on one PostgreSQL
 * claim at once without waiting for each other or taking the same row; the claim moves the
 * delivery's next attempt past the attempt's deadline, so a process that dies mid-attempt
 * leaves it to be claimed again (at least once, with the same webhook-id).
 */
const CLAIM = /* sql */ `
WITH due AS (
  SELECT endpoint_id, event_id FROM webhook_deliveries
  WHERE status = 'pending' AND next_attempt_at <= $1
  ORDER BY next_attempt_at LIMIT $2
  FOR UPDATE SKIP LOCKED),
claimed AS (
  UPDATE webhook_deliveries d
  SET attempts = d.attempts + 1, last_attempt_at = $1, next_attempt_at = $1 + make_interval(secs => $3)
  FROM due WHERE d.endpoint_id = due.endpoint_id AND d.event_id = due.event_id
  RETURNING d.endpoint_id, d.event_id, d.attempts)
SELECT c.event_id, c.endpoint_id, c.attempts, ev.type, ev.data, cc_iso(ev.created_at) AS created_at, ep.url, ep.secret,
       CASE WHEN ep.previous_secret_until > $1 THEN ep.previous_secret END AS previous_secret
FROM claimed c JOIN outbox_events ev ON ev.id = c.event_id JOIN webhook_endpoints ep ON ep.id = c.endpoint_id`;

/**
 * Records a batch of attempts. An attempt counts only while its claim stands (`attempts`
 * unchanged and still pending): a late answer after the lease ran out changes nothing.
 */
const RECORD = /* sql */ `
UPDATE webhook_deliveries d SET
  status = CASE WHEN r.ok THEN 'delivered' WHEN r.retry_ms IS NULL THEN 'failed' ELSE 'pending' END,
  delivered_at = CASE WHEN r.ok THEN $1::timestamptz END,
  next_attempt_at = CASE WHEN r.ok OR r.retry_ms IS NULL THEN NULL ELSE $1::timestamptz + make_interval(secs => r.retry_ms / 1000.0) END,
  last_status = r.status,
  last_error = r.error
FROM unnest($2::text[], $3::text[], $4::int[], $5::boolean[], $6::int[], $7::text[], $8::bigint[])
  AS r (endpoint_id, event_id, attempt, ok, status, error, retry_ms)
WHERE d.endpoint_id = r.endpoint_id AND d.event_id = r.event_id AND d.attempts = r.attempt AND d.status = 'pending'`;

/** The wait after failed attempt number `attempt` (1-based), or null when it was the last. */
export function retryDelayMs(attempt: number): number | null {
  return attempt >= MAX_ATTEMPTS ? null : RETRY_SCHEDULE_MS[attempt - 1]!;
}

const signers = new Map<string, Webhook>();

/** The library's signer of a secret, kept: making one decodes the secret and costs more than signing. */
function signer(secret: string): Webhook {
  let found = signers.get(secret);
  if (!found) {
    if (signers.size >= 1_000) signers.clear();
    signers.set(secret, (found = new Webhook(secret)));
  }
  return found;
}

/**
 * The webhook-signature header: `v1,<base64>` with the endpoint's secret, and during a
 * rotation a second one with the previous secret (receivers accept either).
 */
export function signatureHeader(id: string, at: Date, body: string, secret: string, previous: string | null): string {
  const signatures = [signer(secret).sign(id, at, body)];
  if (previous) signatures.push(signer(previous).sign(id, at, body));
  return signatures.join(' ');
}

// Keep-alive connections to the endpoints, a few per endpoint. node:http, not fetch: it costs
// less than half the CPU per delivery (measured in bench/webhooks.ts).
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 32 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }) };

/**
 * POSTs `body` and resolves with the answer's status once its body has been read (and
 * dropped); redirects are not followed. Rejects on a network error or after `timeoutMs`.
 */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const secure = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', agent: secure ? agents.https : agents.http, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Delivers the outbox's events to the endpoints, signed per Standard Webhooks. Runs in every
 * server process (PGlite: the one process; PostgreSQL: all of them share the work). Woken by
 * the NOTIFY of a committed event, and polling for retries that come due.
 */
export class WebhookDelivery {
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private inFlight = 0;
  private readonly batches = new Set<Promise<void>>();
  private woken = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    options: WebhookDeliveryOptions,
  ) {
    this.clock = options.clock;
    this.batchSize = options.batchSize ?? 100;
    this.maxInFlight = options.maxInFlight ?? 256;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /**
   * One pass: claims up to a batch of due deliveries, attempts them and records how each went.
   * Resolves with the number attempted. The background worker runs the same passes.
   */
  async deliverDue(limit = this.batchSize): Promise<number> {
    const claimed = await this.claim(limit);
    if (claimed.length) await this.attemptAll(claimed);
    return claimed.length;
  }

  /** Starts the background worker. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.unlisten = await this.store.listen(WEBHOOK_CHANNEL, () => this.wake());
    } catch (err) {
      console.warn(`credit-chat: webhooks: cannot LISTEN, polling only: ${err instanceof Error ? err.message : err}`);
    }
    this.loop = this.run();
  }

  /** Stops claiming, waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.all(this.batches);
    await this.unlisten?.();
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const room = Math.min(this.batchSize, this.maxInFlight - this.inFlight);
      let claimed: Claimed[] = [];
      if (room > 0) {
        this.woken = false;
        try {
          claimed = await this.claim(room);
        } catch (err) {
          console.error(`credit-chat: webhooks: claim failed: ${err instanceof Error ? err.message : err}`);
        }
      }
      if (claimed.length > 0) {
        this.inFlight += claimed.length;
        const batch = this.attemptAll(claimed)
          .catch((err: unknown) => console.error(`credit-chat: webhooks: recording failed: ${err instanceof Error ? err.message : err}`))
          .finally(() => {
            this.inFlight -= claimed.length;
            this.batches.delete(batch);
            this.wake();
          });
        this.batches.add(batch);
        if (claimed.length === room) continue;
      }
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const leaseSeconds = (this.timeoutMs + 30_000) / 1000;
    return this.store.query<Claimed>(CLAIM, [this.clock.now(), limit, leaseSeconds]);
  }

  private async attemptAll(claimed: Claimed[]): Promise<void> {
    const results = await Promise.all(claimed.map((c) => this.attempt(c)));
    await this.store.query(RECORD, [
      this.clock.now(),
      results.map((r) => r.claimed.endpoint_id),
      results.map((r) => r.claimed.event_id),
      results.map((r) => r.claimed.attempts),
      results.map((r) => r.ok),
      results.map((r) => r.status),
      results.map((r) => r.error),
      results.map((r) => (r.ok ? null : retryDelayMs(r.claimed.attempts))),
    ]);
  }

  /** One POST: 2xx is delivered; anything else, a redirect included, is tried again later. */
  private async attempt(claimed: Claimed): Promise<AttemptResult> {
    const body = JSON.stringify({ type: claimed.type, timestamp: claimed.created_at, data: claimed.data });
    const at = this.clock.now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': claimed.event_id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signatureHeader(claimed.event_id, at, body, claimed.secret, claimed.previous_secret),
    };
    try {
      const status = await post(claimed.url, headers, body, this.timeoutMs);
      const ok = status >= 200 && status < 300;
      return { claimed, ok, status, error: ok ? null : `HTTP ${status}` };
    } catch (err) {
      const reason = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
      return { claimed, ok: false, status: null, error: reason.slice(0, 200) };
    }
  }
}
