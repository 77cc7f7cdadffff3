import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PostgresLimits } from '../../../src/server/http/limits.js';
import { openPostgresStore } from '../../../src/server/store/postgres.js';
import { startFakeOpenAI } from '../../support/fake-openai.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

// Two real server processes on one PostgreSQL: a builder whose requests land on both gets the
// same limits as on one. (On PGlite one process owns the data directory, so there is nothing to share.)
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  describe('limits shared by two server processes on one PostgreSQL', () => {
    const admin = `admin-${randomUUID()}`;
    let fake: FakeUpstream;
    let a: ServerProcess;
    let b: ServerProcess;
    before(async () => {
      fake = await startFakeOpenAI();
      const args = ['--database-url', databaseUrl, '--ai-provider', 'openai', '--ai-base-url', fake.url, '--ai-api-key', 'sk-fake-upstream', '--ai-model', 'gpt-4o-mini'];
      const env = { CREDIT_CHAT_ADMIN_TOKEN: admin, CREDIT_CHAT_RATE_LIMIT: '6', CREDIT_CHAT_RATE_BURST: '2', CREDIT_CHAT_MAX_STREAMS: '1' };
      // one after the other, so that one of them migrates the database
      a = await startServerProcess(args, env);
      b = await startServerProcess(args, env);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await fake?.close();
    });

    async function builderToken(): Promise<string> {
      const call = async (path: string, body: unknown, method = 'POST') => {
        const response = await fetch(`${a.url}/admin${path}`, {
          method,
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await response.json()) as Record<string, string>;
      };
      const { id } = await call('/workspaces', { name: 'two processes' });
      await call(`/workspaces/${id}/license`, { builders: 1, creditsPerBuilder: 100, cycleAnchorDay: 1 }, 'PUT');
      return (await call(`/workspaces/${id}/tokens`, { builder: 'ada' })).token!;
    }

    const balance = (server: ServerProcess, token: string) => fetch(`${server.url}/balance`, { headers: { authorization: `Bearer ${token}` } });
    const completion = (server: ServerProcess, token: string) =>
      fetch(`${new URL(server.url).origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'orders by status' }], stream: true }),
      });

    it('one bucket per builder across both processes and both routes', async () => {
      const token = await builderToken();
      assert.equal((await balance(a, token)).status, 200);
      assert.equal((await balance(b, token)).status, 200);
      // the burst of 2 is spent, though each process saw one request
      assert.equal((await balance(a, token)).status, 429);
      const limited = await completion(b, token);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limit_exceeded');
    });

    it('one streaming slot per builder across both processes', async () => {
      const token = await builderToken();
      // an answer that takes its time: the stream on A stays open while B is asked
      fake.replyOnce({ text: 'a slow answer', firstByteDelayMs: 20_000 });
      const chat = await fetch(`${a.url}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ operation: 'custom_code', prompt: 'a debounce helper', idempotencyKey: `k-${randomUUID()}` }),
      });
      assert.equal(chat.status, 200);
      const refused = await completion(b, token);
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'too_many_streams');
      await chat.body!.cancel();
    });

    it('two counters on two connection pools racing for slots grant exactly the maximum, and free them again', async () => {
      const stores = [await openPostgresStore(databaseUrl, 4), await openPostgresStore(databaseUrl, 4)];
      try {
        const counters = stores.map((store) => new PostgresLimits(store));
        const key = `race/${randomUUID()}`;
        const rate = { perMinute: 1, burst: 5 };
        // ten requests at once, five each; the burst admits five, three of them get a slot
        const admissions = await Promise.all(Array.from({ length: 10 }, (_, i) => counters[i % 2]!.admit(key, rate, 3)));
        const granted = admissions.filter((a) => a.ok);
        const reasons = admissions.flatMap((a) => (a.ok ? [] : [a.reason])).sort();
        assert.equal(granted.length, 3);
        assert.deepEqual(reasons, ['rate', 'rate', 'rate', 'rate', 'rate', 'streams', 'streams']);
        const [{ n }] = (await stores[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM stream_slots WHERE key = $1', [key])) as [{ n: number }];
        assert.equal(n, 3);
        await Promise.all(granted.map((a) => (a.ok ? a.release?.() : undefined)));
        const [{ left }] = (await stores[0]!.query<{ left: number }>('SELECT count(*)::int AS left FROM stream_slots WHERE key = $1', [key])) as [{ left: number }];
        assert.equal(left, 0);
        const next = await counters[1]!.admit(key, undefined, 3);
        assert.ok(next.ok, 'a freed slot is taken again');
        if (next.ok) await next.release?.();
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  });
}
