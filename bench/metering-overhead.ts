// What metering adds to a streamed answer: time to the first delta through POST /chat (and
// through the OpenAI-compatible gateway) on the real server as a child process, against the
// same fake upstream called directly from this process. Upstream, server and client run on
// this machine, the upstream answering at once, so the difference is the server's own work:
// the extra HTTP hop, auth, the idempotency claim, context and estimate, the hold and the
// conversation rows, before the provider is called.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SseParser } from '../src/server/ai/sse.js';
import { startFakeOpenAI } from '../test/support/fake-openai.js';
import type { FakeUpstream } from '../test/support/fake-upstream.js';
import { startServerProcess, type ServerProcess } from '../test/server/support/server-process.js';
import { percentile, round, type BenchSuite, type Figure } from './figures.js';
import { benchDatabase } from './database.js';

const RUNS = 100;
const WARMUP = 10;
const MODEL = 'gpt-4o-mini';
const ANSWER = 'SELECT id, total FROM orders WHERE status = {{ status.value }} ORDER BY total DESC;';

/** ms from sending `request` to the first SSE event `isDelta` accepts; the rest of the stream is read to its end. */
async function timeToFirstDelta(request: () => Promise<Response>, isDelta: (event: string, data: string) => boolean): Promise<number> {
  const started = performance.now();
  const response = await request();
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const parser = new SseParser();
  const reader = response.body.getReader();
  let first: number | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (first === undefined && parser.push(value).some((e) => isDelta(e.event, e.data))) first = performance.now() - started;
  }
  if (first === undefined) throw new Error('no delta');
  return first;
}

const post = (url: string, token: string, body: unknown, headers: Record<string, string> = {}) => () =>
  fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const isContentChunk = (_event: string, data: string) => data !== '[DONE]' && /"content":"[^"]/.test(data);

async function builderToken(server: ServerProcess, admin: string): Promise<string> {
  const call = async (path: string, body: unknown, method = 'POST') => {
    const response = await fetch(`${server.url}/admin${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await response.json()) as Record<string, string>;
  };
  const { id } = await call('/workspaces', { name: 'metering bench' });
  await call(`/workspaces/${id}/license`, { builders: 1, creditsPerBuilder: 1_000_000, cycleAnchorDay: 1 }, 'PUT');
  return (await call(`/workspaces/${id}/tokens`, { builder: 'bench' })).token!;
}

interface Samples {
  direct: number[];
  chat: number[];
  gateway: number[];
}

/** Limits on, as a server runs, but high enough that the bench's own requests never meet them. */
const LIMITS_ON = { CREDIT_CHAT_RATE_LIMIT: '1000000', CREDIT_CHAT_RATE_BURST: '1000000' };
/** No rate limit and no stream cap: the metering pipeline alone. */
const LIMITS_OFF = { CREDIT_CHAT_RATE_LIMIT: '0', CREDIT_CHAT_MAX_STREAMS: '0' };

async function sample(fake: FakeUpstream, store: string, args: string[], limits: Record<string, string> = LIMITS_ON): Promise<Samples> {
  const admin = `bench-${randomUUID()}`;
  const server = await startServerProcess([...args, '--ai-provider', 'openai', '--ai-base-url', fake.url, '--ai-api-key', 'sk-bench', '--ai-model', MODEL], {
    CREDIT_CHAT_ADMIN_TOKEN: admin,
    CREDIT_CHAT_SECRET: `bench-secret-${randomUUID()}`,
    DATABASE_URL: '',
    ...limits,
  });
  try {
    const token = await builderToken(server, admin);
    const origin = new URL(server.url).origin;
    const samples: Samples = { direct: [], chat: [], gateway: [] };
    const upstreamBody = { model: MODEL, messages: [{ role: 'user', content: 'orders by status' }], stream: true, stream_options: { include_usage: true } };
    const paths: [keyof Samples, () => Promise<number>][] = [
      ['direct', () => timeToFirstDelta(post(`${fake.url}/chat/completions`, 'sk-bench', upstreamBody), isContentChunk)],
      [
        'chat',
        () =>
          timeToFirstDelta(
            post(`${server.url}/chat`, token, { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: `bench-${randomUUID()}` }),
            (event) => event === 'delta',
          ),
      ],
      ['gateway', () => timeToFirstDelta(post(`${origin}/v1/chat/completions`, token, upstreamBody, { 'x-credit-operation': 'sql_generation' }), isContentChunk)],
    ];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      // interleaved, so drift on the machine falls on every path alike
      for (const [name, run] of paths) {
        const ms = await run();
        if (i >= WARMUP) samples[name].push(ms);
      }
    }
    console.log(`  (${store}: ${RUNS} runs per path)`);
    return samples;
  } finally {
    await server.stop();
  }
}

function figures(store: string, label: string, s: Samples): Figure[] {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const direct = sorted(s.direct);
  const chat = sorted(s.chat);
  const gateway = sorted(s.gateway);
  const stat = (values: number[], p: number) => round(percentile(values, p), 2);
  const direct50 = stat(direct, 50);
  const direct95 = stat(direct, 95);
  return [
    { id: `metering.${store}.chat.p50`, label: `${label}: first delta through POST /chat, median`, value: stat(chat, 50), unit: 'ms', peer: { name: 'upstream directly', value: direct50 } },
    { id: `metering.${store}.chat.p95`, label: `${label}: first delta through POST /chat, p95`, value: stat(chat, 95), unit: 'ms', peer: { name: 'upstream directly', value: direct95 } },
    { id: `metering.${store}.chat.overhead.p50`, label: `${label}: metering overhead of /chat, median`, value: round(stat(chat, 50) - direct50, 2), unit: 'ms' },
    { id: `metering.${store}.gateway.p50`, label: `${label}: first delta through /v1/chat/completions, median`, value: stat(gateway, 50), unit: 'ms', peer: { name: 'upstream directly', value: direct50 } },
    { id: `metering.${store}.gateway.p95`, label: `${label}: first delta through /v1/chat/completions, p95`, value: stat(gateway, 95), unit: 'ms', peer: { name: 'upstream directly', value: direct95 } },
  ];
}


export const meteringSuite: BenchSuite = {
  name: 'metering',
  async run() {
    const fake = await startFakeOpenAI({ text: ANSWER });
    const dataDir = mkdtempSync(join(tmpdir(), 'credit-chat-bench-metering-'));
    try {
      const out: Figure[] = [];
      out.push(...figures('pglite', 'PGlite', await sample(fake, 'PGlite', ['--data-dir', dataDir])));
      const postgres = ['--database-url', benchDatabase('credit_chat_bench_metering')];
      out.push(...figures('postgres', 'PostgreSQL', await sample(fake, 'PostgreSQL', postgres)));
      // On PostgreSQL the rate bucket and the stream slots are rows shared by every server
      // process (one statement before the answer, one after it); without limits, what is left
      // is the metering pipeline itself.
      const bare = await sample(fake, 'PostgreSQL without limits', postgres, LIMITS_OFF);
      out.push(...figures('postgres.no-limits', 'PostgreSQL, no rate limit or stream cap', bare).filter((f) => /chat\.(p50|overhead)|gateway\.p50/.test(f.id)));
      return out;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await fake.close();
    }
  },
};
