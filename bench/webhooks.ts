// Webhook delivery on PostgreSQL: the real server as a child process delivering to a receiver
// in this process that verifies every signature with the standardwebhooks library, as a host
// would. Latency: one change at a time, from the event's timestamp (taken in the change's
// transaction, before it commits) to its arrival. Throughput: a burst of events committed in
// one transaction, delivered by one server process and by two sharing the database.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { callApi as call, startServerProcess, type ServerProcess } from '../test/server/support/server-process.js';
import { WebhookReceiver } from '../test/server/support/webhook-receiver.js';
import { commandCpuMs, cpuMsBetween, processCpuMs } from './cpu.js';
import { benchDatabase } from './database.js';
import { percentile, round, type BenchSuite, type Figure } from './figures.js';

const WARMUP = 20;
const CHANGES = 300;
const BURST = 5_000;

/** A workspace whose one endpoint is the receiver. */
async function workspace(admin: string, adminToken: string, receiver: WebhookReceiver): Promise<string> {
  const { id } = await call(admin, adminToken, 'POST', '/admin/workspaces', { name: 'bench webhooks' });
  const hook = await call(admin, adminToken, 'POST', `/admin/workspaces/${id}/webhooks`, { url: receiver.url });
  receiver.secrets.push(hook.secret);
  return id;
}

/** ms from each change to its delivery: an add-on grant (credits.added), one at a time. */
async function latencies(admin: string, adminToken: string, receiver: WebhookReceiver, ws: string): Promise<number[]> {
  const mine = (r: { payload: { data: { workspaceId?: string } } }) => r.payload.data.workspaceId === ws;
  for (let i = 0; i < WARMUP + CHANGES; i++) {
    await call(admin, adminToken, 'POST', `/admin/workspaces/${ws}/addons`, { credits: 100, reference: `latency-${i}` });
    await receiver.waitFor(i + 1, mine);
  }
  const got = receiver.of(ws).slice(WARMUP);
  if (!got.every((r) => r.verified)) throw new Error('a delivery did not verify');
  return got.map((r) => r.receivedAt - Date.parse(r.payload.timestamp)).sort((a, b) => a - b);
}

interface Burst {
  perSecond: number;
  /** CPU ms per event */
  cpu: { servers: number; database: number; receiver: number };
}

/**
 * Events per second from committing a burst of BURST events (one transaction, as many
 * changes at once would) to the last one's arrival, and where the CPU went.
 */
async function burst(databaseUrl: string, receiver: WebhookReceiver, ws: string, servers: ServerProcess[]): Promise<Burst> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const serversBefore = servers.map((s) => processCpuMs(s.child.pid!));
    const databaseBefore = commandCpuMs('postgres');
    const receiverBefore = process.cpuUsage();
    await client.query(`SELECT count(cc_emit($1, 'credits.added', jsonb_build_object('burst', i), now())) FROM generate_series(1, $2) i`, [ws, BURST]);
    const committed = performance.now();
    await receiver.waitFor(BURST, (r) => r.payload.data.workspaceId === ws);
    const seconds = (performance.now() - committed) / 1000;
    const receiverCpu = process.cpuUsage(receiverBefore);
    if (!receiver.of(ws).every((r) => r.verified)) throw new Error('a delivery did not verify');
    return {
      perSecond: BURST / seconds,
      cpu: {
        servers: servers.reduce((sum, s, i) => sum + processCpuMs(s.child.pid!) - serversBefore[i]!, 0) / BURST,
        database: cpuMsBetween(databaseBefore, commandCpuMs('postgres')) / BURST,
        receiver: (receiverCpu.user + receiverCpu.system) / 1000 / BURST,
      },
    };
  } finally {
    await client.end();
  }
}

export const webhooksSuite: BenchSuite = {
  name: 'webhooks',
  async run() {
    const databaseUrl = benchDatabase('credit_chat_bench_webhooks');
    const adminToken = `bench-${randomUUID()}`;
    const env = { CREDIT_CHAT_ADMIN_TOKEN: adminToken, DATABASE_URL: '', CREDIT_CHAT_RATE_LIMIT: '0' };
    const receiver = await WebhookReceiver.start();
    const servers: ServerProcess[] = [];
    try {
      servers.push(await startServerProcess(['--database-url', databaseUrl], env));
      const admin = servers[0]!.url;
      const sorted = await latencies(admin, adminToken, receiver, await workspace(admin, adminToken, receiver));
      const one = await burst(databaseUrl, receiver, await workspace(admin, adminToken, receiver), servers);
      servers.push(await startServerProcess(['--database-url', databaseUrl], env));
      const two = await burst(databaseUrl, receiver, await workspace(admin, adminToken, receiver), servers);
      const note = 'the receiver verifies each signature with standardwebhooks, on the same 2 cores';
      return [
        { id: 'webhooks.latency.p50', label: 'Webhook delivery latency, change → receiver, p50', value: round(percentile(sorted, 50), 1), unit: 'ms', note: `${CHANGES} changes one at a time` },
        { id: 'webhooks.latency.p99', label: 'Webhook delivery latency, change → receiver, p99', value: round(percentile(sorted, 99), 1), unit: 'ms' },
        { id: 'webhooks.throughput.one', label: 'Outbox delivery, 1 server process', value: Math.round(one.perSecond), unit: 'events/s', note: `a burst of ${BURST}; ${note}` },
        { id: 'webhooks.cpu.server', label: 'Outbox delivery, 1 server process: server CPU per event', value: round(one.cpu.servers, 3), unit: 'ms' },
        { id: 'webhooks.cpu.database', label: 'Outbox delivery, 1 server process: PostgreSQL CPU per event', value: round(one.cpu.database, 3), unit: 'ms' },
        { id: 'webhooks.cpu.receiver', label: 'Outbox delivery, 1 server process: receiver CPU per event', value: round(one.cpu.receiver, 3), unit: 'ms' },
        { id: 'webhooks.throughput.two', label: 'Outbox delivery, 2 server processes sharing the work (SKIP LOCKED)', value: Math.round(two.perSecond), unit: 'events/s', note: `a burst of ${BURST}` },
      ] satisfies Figure[];
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await receiver.close();
    }
  },
};
