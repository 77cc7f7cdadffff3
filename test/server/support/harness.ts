import { randomUUID } from 'node:crypto';
import type { AiOptions } from '../../../src/server/metering/ai-options.js';
import { AiRuntime } from '../../../src/server/metering/ai-runtime.js';
import { createApp } from '../../../src/server/http/app.js';
import { routePath, type RouteDef } from '../../../src/contract/route-def.js';
import { createWorkspace, grantAddon, setLicense } from '../../../src/contract/routes.js';
import { auditWorkspace, poolTotals } from '../../../src/server/ledger/audit.js';
import { Ledger } from '../../../src/server/ledger/ledger.js';
import { createPurchases, type PaymentsConfig } from '../../../src/server/payments/config.js';
import type { Purchases } from '../../../src/server/payments/purchases.js';
import { AutoTopUp } from '../../../src/server/payments/auto-top-up.js';
import { UsageReports } from '../../../src/server/usage/usage.js';
import type { Store } from '../../../src/server/store/store.js';
import { TestClock, type StoreKind } from './stores.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface WorkspaceSetup {
  name?: string;
  timeZone?: string;
  builders?: number;
  creditsPerBuilder?: number;
  cycleAnchorDay?: number;
  addon?: number;
  license?: boolean;
}

export interface HarnessOptions {
  ai?: AiOptions;
  payments?: PaymentsConfig;
}

/** The real HTTP app on a real store, with a clock the test moves. */
export class Harness {
  readonly clock = new TestClock(new Date('2026-11-21T10:00:00.000Z'));
  readonly ledger: Ledger;
  readonly app: ReturnType<typeof createApp>;
  /** the AI operations, when the harness was opened with `ai` options */
  readonly ai: AiRuntime | undefined;
  /** purchases, when the harness was opened with `payments` options */
  readonly payments: Purchases | undefined;
  /** auto top-up (with `payments`): tests run its worker with chargeDue() */
  readonly autoTopUp: AutoTopUp | undefined;

  private constructor(
    readonly store: Store,
    options: HarnessOptions,
  ) {
    this.ledger = new Ledger(store, this.clock);
    this.ai = options.ai ? new AiRuntime(this.ledger, options.ai) : undefined;
    this.payments = options.payments ? createPurchases(store, this.clock, options.payments) : undefined;
    const usage = new UsageReports(store, this.clock);
    this.autoTopUp = this.payments ? new AutoTopUp(store, this.payments, this.clock) : undefined;
    this.app = createApp({ ledger: this.ledger, adminToken: ADMIN_TOKEN, ai: this.ai, payments: this.payments, autoTopUp: this.autoTopUp, usage });
  }

  static async open(kind: StoreKind, options: HarnessOptions = {}): Promise<Harness> {
    return new Harness(await kind.open(), options);
  }

  /** The raw answer of the app (streams included), at a path from the server's root. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return Promise.resolve(this.app.request(path, init));
  }

  async request<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<Answer<T>> {
    return this.rawRequest<T>(method, `/api/v1${path}`, token, body);
  }

  /** A request at a path from the server's root, its JSON answer parsed. */
  private async rawRequest<T>(method: string, path: string, token?: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await this.app.request(path, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  /** A route of the contract's table, its `{id}` filled in, with a token (the admin token for admin routes). */
  call<T = any>(route: RouteDef, options: { token?: string; params?: Record<string, string>; body?: unknown } = {}): Promise<Answer<T>> {
    const token = options.token ?? (route.auth === 'admin' ? ADMIN_TOKEN : undefined);
    return this.rawRequest<T>(route.method, routePath(route, options.params), token, options.body);
  }

  admin<T = any>(method: string, path: string, body?: unknown) {
    return this.request<T>(method, `/admin${path}`, ADMIN_TOKEN, body);
  }

  /** A fresh workspace with a license, optional add-on credits and one token per builder. */
  async workspace(setup: WorkspaceSetup = {}): Promise<{ id: string; tokens: string[]; token: string }> {
    const created = await this.call(createWorkspace, { body: { name: setup.name ?? 'test', ...(setup.timeZone ? { timeZone: setup.timeZone } : {}) } });
    if (created.status !== 201) throw new Error(`create workspace: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    const builders = setup.builders ?? 2;
    if (setup.license !== false) {
      const license = await this.call(setLicense, {
        params: { id },
        body: { builders, creditsPerBuilder: setup.creditsPerBuilder ?? 50, cycleAnchorDay: setup.cycleAnchorDay ?? 1 },
      });
      if (license.status !== 200) throw new Error(`license: ${JSON.stringify(license.body)}`);
    }
    if (setup.addon) {
      const addon = await this.call(grantAddon, { params: { id }, body: { credits: setup.addon, reference: randomUUID() } });
      if (addon.status !== 201) throw new Error(`addon: ${JSON.stringify(addon.body)}`);
    }
    const tokens: string[] = [];
    // Long-lived tokens, as the CLI mints them: the tests move the clock by months, past the
    // admin API's 15 minutes (which test/server/tokens.test.ts covers).
    for (let i = 1; i <= builders; i++) tokens.push((await this.ledger.issueToken(id, `builder-${i}`)).token);
    return { id, tokens, token: tokens[0]! };
  }

  audit(workspaceId: string) {
    return auditWorkspace(this.store, workspaceId);
  }

  totals(workspaceId: string) {
    return poolTotals(this.store, workspaceId);
  }

  /** A workspace's rows in every ledger table, to prove a refused request wrote nothing. */
  async rowCounts(workspaceId: string): Promise<Record<string, unknown>> {
    const tables = ['licenses', 'builder_tokens', 'grants', 'holds', 'entries', 'receipts', 'idempotency_keys', 'purchases'];
    const counts: Record<string, unknown> = {};
    for (const table of tables) {
      counts[table] = Number(
        (await this.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`, [workspaceId]))[0]!.n,
      );
    }
    counts.grantsState = await this.store.query('SELECT id, granted, available, held, captured, expired, expires_at FROM grants WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
    counts.license = await this.store.query('SELECT builders, credits_per_builder, cycle_anchor_day FROM licenses WHERE workspace_id = $1', [workspaceId]);
    return counts;
  }

  async close() {
    await this.ai?.shutdown();
    await this.store.close();
  }
}

export function key(): string {
  return `k-${randomUUID()}`;
}
