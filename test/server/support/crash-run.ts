import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { join } from 'node:path';
import { auditWorkspace, poolTotals } from '../../../src/server/ledger/audit.js';
import { openPgliteStore } from '../../../src/server/store/pglite.js';
import { openPostgresStore } from '../../../src/server/store/postgres.js';
import type { Store } from '../../../src/server/store/store.js';
import { freePort, startServerProcess, type ServerProcess } from './server-process.js';
import { prng } from '../../support/prng.js';

export type Fault =
  /** SIGKILL the server process and start it again */
  | { kind: 'kill-server' }
  /** terminate the server's PostgreSQL connections (pg_terminate_backend) */
  | { kind: 'terminate-backends' }
  /** crash and restart the database itself (a private cluster) */
  | { kind: 'restart-postgres'; restart: () => Promise<void> };

export interface CrashRunOptions {
  store: 'pglite' | 'postgres';
  databaseUrl?: string;
  fault?: Fault;
  operations: number;
  clients: number;
  /**
   * how many faults to inject; each lands when the clients reach a random point of the
   * operation sequence (plus up to 40 ms, so mid-request), so the count does not depend on
   * how fast the machine is
   */
  faults: number;
  seed: number;
}

export interface CrashRunReport {
  store: string;
  operations: number;
  faults: number;
  retries: number;
  receipts: number;
  refused: number;
  abandonedHolds: number;
  violations: string[];
}

type Op =
  | { kind: 'debit'; key: string; credits: number }
  | { kind: 'capture'; key: string; hold: number; capture: number }
  | { kind: 'void'; key: string; hold: number }
  | { kind: 'abandon'; key: string; hold: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const milli = (credits: number) => Math.round(credits * 1000);

function plan(count: number, random: () => number): Op[] {
  const amount = () => Math.round((0.5 + random() * 20) * 1000) / 1000;
  return Array.from({ length: count }, (): Op => {
    const key = `crash-${randomUUID()}`;
    const r = random();
    const hold = amount();
    if (r < 0.4) return { kind: 'debit', key, credits: amount() };
    if (r < 0.75) return { kind: 'capture', key, hold, capture: Math.round(hold * random() * 1000) / 1000 };
    if (r < 0.9) return { kind: 'void', key, hold };
    return { kind: 'abandon', key, hold };
  });
}

/**
 * Runs the real server as a child process, drives operations from concurrent clients and
 * injects a fault at random moments: SIGKILL of the server (restarted on the same port),
 * terminated database connections, or a crash of the database itself. Clients retry with
 * their idempotency keys until each operation has a definite answer. Afterwards the books are
 * opened (PGlite: the data directory must open cleanly) and checked: nothing charged twice,
 * nothing lost, every abandoned hold released by its TTL.
 */
export async function crashRun(options: CrashRunOptions): Promise<CrashRunReport> {
  const random = prng(options.seed);
  const adminToken = `crash-admin-${randomUUID()}`;
  const dataDir = options.store === 'pglite' ? mkdtempSync(join(tmpdir(), 'credit-chat-crash-')) : undefined;
  const args = dataDir ? ['--data-dir', dataDir] : ['--database-url', options.databaseUrl!];
  const fault = options.fault ?? { kind: 'kill-server' };
  const appName = `credit-chat-crash-${randomUUID().slice(0, 8)}`;
  // Clients retry as fast as they can: the per-builder rate limit would turn that into 429s.
  const env = { CREDIT_CHAT_ADMIN_TOKEN: adminToken, DATABASE_URL: '', PGAPPNAME: appName, CREDIT_CHAT_RATE_LIMIT: '0' };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api/v1`;
  const report: CrashRunReport = { store: options.store, operations: options.operations, faults: 0, retries: 0, receipts: 0, refused: 0, abandonedHolds: 0, violations: [] };
  let server: ServerProcess = await startServerProcess(args, env, port);
  let startFailure: unknown;

  /** One request, retried through crashes until the server gives a definite answer. */
  async function call(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(base + path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const json = (await response.json()) as any;
        if (response.status >= 500) throw new Error(`server error ${response.status}: ${JSON.stringify(json)}`);
        return { status: response.status, body: json };
      } catch (err) {
        if (attempt > 300 || startFailure !== undefined) throw err;
        report.retries++;
        await sleep(30 + random() * 70);
      }
    }
  }

  try {
    const ws = (await call(adminToken, 'POST', '/admin/workspaces', { name: 'crash' })).body.id as string;
    await call(adminToken, 'PUT', `/admin/workspaces/${ws}/license`, { builders: options.clients, creditsPerBuilder: 200, cycleAnchorDay: 1 });
    await call(adminToken, 'POST', `/admin/workspaces/${ws}/addons`, { credits: 1000, reference: 'crash-addon' });
    const tokens: string[] = [];
    for (let i = 0; i < options.clients; i++) tokens.push((await call(adminToken, 'POST', `/admin/workspaces/${ws}/tokens`, { builder: `client-${i}` })).body.token);

    const ops = plan(options.operations, random);
    const receiptsSeen = new Map<string, number>();
    const debitReceipts = new Map<string, { receiptId: string; token: string; credits: number }>();
    const seeReceipt = (id: string, credits: number) => {
      const known = receiptsSeen.get(id);
      if (known !== undefined && known !== milli(credits)) report.violations.push(`receipt ${id} answered with two amounts`);
      receiptsSeen.set(id, milli(credits));
    };

    let next = 0;
    const clients = tokens.map(async (token) => {
      while (next < ops.length && startFailure === undefined) {
        const op = ops[next++]!;
        if (op.kind === 'debit') {
          const answer = await call(token, 'POST', '/debits', { operation: 'custom_code', credits: op.credits, idempotencyKey: op.key });
          if (answer.status === 201) {
            seeReceipt(answer.body.id, answer.body.credits);
            debitReceipts.set(op.key, { receiptId: answer.body.id, token, credits: op.credits });
          } else if (answer.status === 402) report.refused++;
          else report.violations.push(`debit answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          continue;
        }
        const ttlSeconds = op.kind === 'abandon' ? 2 : 600;
        const hold = await call(token, 'POST', '/holds', { operation: 'sql_generation', credits: op.hold, idempotencyKey: op.key, ttlSeconds });
        if (hold.status === 402) {
          report.refused++;
          continue;
        }
        if (hold.status !== 201) {
          report.violations.push(`hold answered ${hold.status}: ${JSON.stringify(hold.body)}`);
          continue;
        }
        if (op.kind === 'abandon') {
          report.abandonedHolds++;
        } else if (op.kind === 'void') {
          const voided = await call(token, 'POST', `/holds/${hold.body.id}/void`);
          // 409 voided: an earlier attempt went through and its answer was lost in a crash.
          if (!(voided.status === 200 || (voided.status === 409 && voided.body.error.status === 'voided'))) {
            report.violations.push(`void answered ${voided.status}: ${JSON.stringify(voided.body)}`);
          }
        } else {
          const captured = await call(token, 'POST', `/holds/${hold.body.id}/capture`, { credits: op.capture });
          if (captured.status === 200) seeReceipt(captured.body.id, captured.body.credits);
          else if (captured.status === 409 && captured.body.error.status === 'captured') seeReceipt(captured.body.error.receiptId, op.capture);
          else report.violations.push(`capture answered ${captured.status}: ${JSON.stringify(captured.body)}`);
        }
      }
    });

    let clientsDone = false;
    const faultAt = Array.from({ length: options.faults }, () => Math.floor((0.05 + 0.9 * random()) * ops.length)).sort((a, b) => a - b);
    const killer = (async () => {
      for (const at of faultAt) {
        while (next < at && !clientsDone) await sleep(2);
        await sleep(random() * 40);
        if (fault.kind === 'kill-server') {
          await server.stop('SIGKILL');
          try {
            server = await startServerProcess(args, env, port);
          } catch (err) {
            // A server that cannot start again is the finding; report it, don't retry into it.
            report.violations.push(`restart after SIGKILL failed: ${err instanceof Error ? err.message : String(err)}`);
            startFailure = err;
            break;
          }
        } else if (fault.kind === 'terminate-backends') {
          const admin = new pg.Client({ connectionString: options.databaseUrl });
          await admin.connect();
          try {
            await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
          } finally {
            await admin.end();
          }
        } else {
          await fault.restart();
        }
        report.faults++;
      }
    })();
    let clientFailure: unknown;
    try {
      await Promise.all(clients);
    } catch (err) {
      clientFailure = err;
    }
    clientsDone = true;
    await killer;
    if (startFailure !== undefined) return report;
    if (clientFailure !== undefined) throw clientFailure;

    // Replays after the storm answer the first receipt: nothing is charged twice.
    for (const [key, first] of debitReceipts) {
      const replay = await call(first.token, 'POST', '/debits', { operation: 'custom_code', credits: first.credits, idempotencyKey: key });
      if (replay.status !== 201 || replay.body.id !== first.receiptId) report.violations.push(`replay of ${key} answered ${replay.status} ${replay.body.id ?? ''}, first ${first.receiptId}`);
    }

    await sleep(2_500);
    await call(tokens[0]!, 'GET', '/balance');
    await server.stop('SIGTERM');

    const store: Store = dataDir ? await openPgliteStore(dataDir) : await openPostgresStore(options.databaseUrl!);
    try {
      report.violations.push(...(await auditWorkspace(store, ws)));
      const totals = await poolTotals(store, ws);
      if (totals.granted !== totals.captured + totals.expired + totals.held + totals.available) report.violations.push(`invariant broken: ${JSON.stringify(totals)}`);
      if (totals.held !== 0) report.violations.push(`${totals.held} millicredits still held after every TTL passed`);
      const receipts = await store.query<{ id: string; credits: number }>('SELECT id, credits FROM receipts WHERE workspace_id = $1', [ws]);
      report.receipts = receipts.length;
      if (receipts.length !== receiptsSeen.size) report.violations.push(`${receipts.length} receipts written, ${receiptsSeen.size} answered: something was charged twice or lost`);
      let sum = 0;
      for (const r of receipts) {
        sum += Number(r.credits);
        const seen = receiptsSeen.get(r.id);
        if (seen === undefined) report.violations.push(`receipt ${r.id} was never answered to a client`);
        else if (seen !== Number(r.credits)) report.violations.push(`receipt ${r.id}: ${r.credits} stored, ${seen} answered`);
      }
      if (sum !== totals.captured) report.violations.push(`receipts add up to ${sum}, grants captured ${totals.captured}`);
    } finally {
      await store.close();
    }
    return report;
  } finally {
    await server.stop('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
