// Hold + capture pairs per second over HTTP: the real server as a child process, 32
// concurrent clients in this process, on PGlite and on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServerProcess } from '../test/server/support/server-process.js';
import { HttpConnection } from './http-connection.js';
import { commandCpuMs, cpuMsBetween, processCpuMs } from './cpu.js';
import { percentile, round, type BenchSuite, type Figure } from './figures.js';
import { benchDatabase } from './database.js';

const CLIENTS = 32;
const WARMUP_MS = 2_000;
const MEASURE_MS = 10_000;
const ROUNDS = 3;
const API_PATH = '/api/v1';

/** One request of the load generator to the API under /api/v1; a status of 300 or more is an error. */
async function call(connection: HttpConnection, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const answer = await connection.request(method, API_PATH + path, token, body);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function setUpTokens(admin: HttpConnection, adminToken: string, workspaces: number): Promise<string[]> {
  const tokens: string[] = [];
  const perWorkspace = CLIENTS / workspaces;
  for (let w = 0; w < workspaces; w++) {
    const { id } = await call(admin, adminToken, 'POST', '/admin/workspaces', { name: `bench ${w}` });
    await call(admin, adminToken, 'PUT', `/admin/workspaces/${id}/license`, { builders: perWorkspace, creditsPerBuilder: 1_000_000, cycleAnchorDay: 1 });
    for (let b = 0; b < perWorkspace; b++) {
      tokens.push((await call(admin, adminToken, 'POST', `/admin/workspaces/${id}/tokens`, { builder: `client-${b}` })).token);
    }
  }
  return tokens;
}

interface Round {
  pairsPerSecond: number;
  /** sorted, ms */
  pairLatencies: number[];
  /** sorted, ms: each hold and each capture on its own */
  requestLatencies: number[];
  /** CPU ms per pair */
  cpu: { client: number; server: number; database: number };
}

/** Each client loops hold → capture for `ms`; the round's throughput, latencies and CPU per pair. */
async function measureRound(clients: { connection: HttpConnection; token: string }[], serverPid: number, ms: number): Promise<Round> {
  const clientBefore = process.cpuUsage();
  const serverBefore = processCpuMs(serverPid);
  const databaseBefore = commandCpuMs('postgres');
  const end = performance.now() + ms;
  const pairLatencies: number[] = [];
  const requestLatencies: number[] = [];
  await Promise.all(
    clients.map(async ({ connection, token }) => {
      while (performance.now() < end) {
        const started = performance.now();
        const hold = await call(connection, token, 'POST', '/holds', { operation: 'sql_generation', credits: 8, idempotencyKey: randomUUID() });
        const held = performance.now();
        await call(connection, token, 'POST', `/holds/${hold.id}/capture`, { credits: 5.125 });
        const done = performance.now();
        pairLatencies.push(done - started);
        requestLatencies.push(held - started, done - held);
      }
    }),
  );
  const pairs = pairLatencies.length;
  const clientCpu = process.cpuUsage(clientBefore);
  return {
    pairsPerSecond: pairs / (ms / 1000),
    pairLatencies: pairLatencies.sort((a, b) => a - b),
    requestLatencies: requestLatencies.sort((a, b) => a - b),
    cpu: {
      client: (clientCpu.user + clientCpu.system) / 1000 / pairs,
      server: (processCpuMs(serverPid) - serverBefore) / pairs,
      database: cpuMsBetween(databaseBefore, commandCpuMs('postgres')) / pairs,
    },
  };
}

/**
 * The real server as a child process and 32 clients; after a warm-up, ROUNDS rounds of
 * MEASURE_MS. Each figure is the median of the rounds (the machine's two cores are shared
 * with whatever else runs on its host, and one disturbed round should not be the figure);
 * the note gives every round's throughput.
 */
export async function measure(label: string, store: string, args: string[], workspaces: number): Promise<Figure[]> {
  const adminToken = `bench-${randomUUID()}`;
  // Throughput, not the per-builder rate limit, is what is measured here.
  const server = await startServerProcess(args, { CREDIT_CHAT_ADMIN_TOKEN: adminToken, DATABASE_URL: '', CREDIT_CHAT_RATE_LIMIT: '0' });
  const origin = new URL(server.url);
  const admin = new HttpConnection(origin);
  const clients: { connection: HttpConnection; token: string }[] = [];
  try {
    for (const token of await setUpTokens(admin, adminToken, workspaces)) clients.push({ connection: new HttpConnection(origin), token });
    await measureRound(clients, server.child.pid!, WARMUP_MS);
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await measureRound(clients, server.child.pid!, MEASURE_MS));
    const of = (pick: (round: Round) => number, digits: number) => round(percentile(rounds.map(pick).sort((a, b) => a - b), 50), digits);
    const id = `ledger.${store}.${workspaces === 1 ? 'one-workspace' : 'workspaces'}`;
    const bar = (value: number, op: '>=' | '<=') => (workspaces === 1 ? undefined : { op, value });
    return [
      {
        id: `${id}.pairs`,
        label: `${label}: hold + capture pairs/s`,
        value: of((r) => r.pairsPerSecond, 0),
        unit: 'pairs/s',
        bar: bar(store === 'postgres' ? 1000 : 300, '>='),
        note: `median of ${ROUNDS} rounds of ${MEASURE_MS / 1000} s: ${rounds.map((r) => Math.round(r.pairsPerSecond)).join(', ')}`,
      },
      { id: `${id}.p50`, label: `${label}: pair latency p50`, value: of((r) => percentile(r.pairLatencies, 50), 1), unit: 'ms' },
      // With 32 clients always waiting, latency = 32 / throughput (Little's law): at PGlite's
      // 300 pairs/s the mean alone is 107 ms, so the 50 ms bar is PostgreSQL's.
      { id: `${id}.p99`, label: `${label}: pair latency p99`, value: of((r) => percentile(r.pairLatencies, 99), 1), unit: 'ms', bar: store === 'postgres' ? bar(50, '<=') : undefined },
      { id: `${id}.request.p50`, label: `${label}: request latency p50`, value: of((r) => percentile(r.requestLatencies, 50), 1), unit: 'ms' },
      { id: `${id}.request.p99`, label: `${label}: request latency p99`, value: of((r) => percentile(r.requestLatencies, 99), 1), unit: 'ms' },
      { id: `${id}.cpu.server`, label: `${label}: server CPU per pair`, value: of((r) => r.cpu.server, 3), unit: 'ms' },
      ...(store === 'postgres' ? [{ id: `${id}.cpu.database`, label: `${label}: PostgreSQL CPU per pair`, value: of((r) => r.cpu.database, 3), unit: 'ms' }] : []),
      { id: `${id}.cpu.client`, label: `${label}: load generator CPU per pair`, value: of((r) => r.cpu.client, 3), unit: 'ms' },
    ];
  } finally {
    for (const { connection } of [...clients, { connection: admin }]) connection.close();
    await server.stop();
  }
}


export const ledgerSuite: BenchSuite = {
  name: 'ledger',
  async run() {
    const figures: Figure[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'credit-chat-bench-'));
    try {
      figures.push(...(await measure(`PGlite, ${CLIENTS} clients, a workspace each`, 'pglite', ['--data-dir', dataDir], CLIENTS)));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const databaseUrl = benchDatabase('credit_chat_bench');
    figures.push(...(await measure(`PostgreSQL, ${CLIENTS} clients, a workspace each`, 'postgres', ['--database-url', databaseUrl], CLIENTS)));
    // The worst case: every client draws on one pool, so every change waits for the same lock.
    figures.push(...(await measure(`PostgreSQL, ${CLIENTS} clients on one workspace`, 'postgres', ['--database-url', databaseUrl], 1)));
    return figures;
  },
};
