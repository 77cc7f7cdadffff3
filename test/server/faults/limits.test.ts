import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AiRuntime } from '../../../src/server/metering/ai-runtime.js';
import { createApp } from '../../../src/server/http/app.js';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

onEachStore('limits and headers', (kind) => {
  let h: Harness;
  let ai: AiRuntime;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    h = await Harness.open(kind);
    // The demo model paced slowly, so streams stay open while the test opens more.
    ai = new AiRuntime(h.ledger, { provider: { provider: 'demo' }, providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 40 } } });
    app = createApp({
      ledger: h.ledger,
      ai,
      rateLimit: { perMinute: 60, burst: 5 },
      maxStreamsPerBuilder: 2,
      corsOrigins: ['https://builder.example.com'],
    });
  });
  after(async () => {
    await ai.shutdown();
    await h.close();
  });

  const get = (path: string, token: string, headers: Record<string, string> = {}) =>
    app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  it('limits requests per builder with 429 and Retry-After, each builder on its own bucket', async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 10 });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await get('/balance', ws.tokens[0]!)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const limited = await get('/balance', ws.tokens[0]!);
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    const body = (await limited.json()) as { error: { code: string; retryAfter: number; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.equal(body.error.retryAfter, retryAfter);
    assert.equal((await get('/balance', ws.tokens[1]!)).status, 200);
  });

  it('caps concurrent streams per builder and frees the slot when a stream ends', async () => {
    const ws = await h.workspace({ builders: 3, creditsPerBuilder: 500 });
    const chat = (token: string) =>
      app.request('/api/v1/chat', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ operation: 'custom_code', prompt: 'a debounce helper', idempotencyKey: key() }),
      });
    const first = await chat(ws.tokens[1]!);
    const second = await chat(ws.tokens[1]!);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    const third = await chat(ws.tokens[1]!);
    assert.equal(third.status, 429);
    assert.equal(((await third.json()) as { error: { code: string } }).error.code, 'too_many_streams');
    assert.equal(third.headers.get('retry-after'), '1');
    assert.equal((await chat(ws.tokens[2]!)).status, 200, 'another builder has its own slots');
    assert.match(await first.text(), /event: settled/);
    const after = await chat(ws.tokens[1]!);
    assert.equal(after.status, 200);
    await Promise.all([second.text(), after.text()]);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('a /chat the limits refuse leaves its key as it found it: no row, no hold, and the same key runs later', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 500 });
    const send = (body: Record<string, unknown>) =>
      app.request('/api/v1/chat', {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ask = (idempotencyKey: string) => send({ operation: 'custom_code', prompt: 'a debounce helper', idempotencyKey });
    const streaming = [await ask(key()), await ask(key())];
    assert.deepEqual(
      streaming.map((r) => r.status),
      [200, 200],
    );
    const refusedKey = key();
    const refused = await ask(refusedKey);
    assert.equal(refused.status, 429);
    const rows = await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM ai_requests WHERE workspace_id = $1 AND idempotency_key = $2', [
      ws.id,
      refusedKey,
    ]);
    assert.equal(Number(rows[0]!.n), 0, 'the refused key left no row');
    const holds = await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM holds WHERE workspace_id = $1', [ws.id]);
    assert.equal(Number(holds[0]!.n), 2, 'the refused request held nothing');
    // the limits answer before the body is judged, as they did when they ran first
    const invalid = await send({ operation: 'custom_code' });
    assert.equal(invalid.status, 429);
    await Promise.all(streaming.map((r) => r.text()));
    const later = await ask(refusedKey);
    assert.equal(later.status, 200);
    assert.match(await later.text(), /event: settled/);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  const completion = (token: string) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'credit-chat-demo-1', messages: [{ role: 'user', content: 'a debounce helper' }], stream: true }),
    });

  it('the gateway answers 429 in OpenAI’s shape under the same bucket as /api/v1', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    for (let i = 0; i < 5; i++) assert.equal((await get('/balance', ws.token)).status, 200);
    const limited = await completion(ws.token);
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    const body = (await limited.json()) as { error: { code: string; type: string; message: string; param: unknown } };
    assert.equal(body.error.code, 'rate_limit_exceeded');
    assert.equal(typeof body.error.type, 'string');
    assert.match(body.error.message, /Too many requests/);
    assert.equal((await get('/balance', ws.token)).status, 429, 'the gateway call counted against /api/v1 too');
  });

  it('/chat and the gateway share the streaming slots of a builder', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 500 });
    const chat = await app.request('/api/v1/chat', {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'custom_code', prompt: 'a debounce helper', idempotencyKey: key() }),
    });
    const streamed = await completion(ws.token);
    assert.equal(chat.status, 200);
    assert.equal(streamed.status, 200);
    const third = await completion(ws.token);
    assert.equal(third.status, 429);
    assert.equal(third.headers.get('retry-after'), '1');
    assert.equal(((await third.json()) as { error: { code: string } }).error.code, 'too_many_streams');
    await Promise.all([chat.text(), streamed.text()]);
    const after = await completion(ws.token);
    assert.equal(after.status, 200, 'the slots are free once the streams ended');
    await after.text();
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('a completion answered whole (stream: false) frees its slot once its body is read', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 500 });
    const whole = () =>
      app.request('/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'credit-chat-demo-1', messages: [{ role: 'user', content: 'a debounce helper' }], stream: false }),
      });
    // one after the other, three times the cap of 2: each slot was freed
    for (let i = 0; i < 3; i++) {
      const answer = await whole();
      assert.equal(answer.status, 200);
      assert.equal(((await answer.json()) as { object: string }).object, 'chat.completion');
    }
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('answers CORS only for allowed host origins, and sends security headers', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    const allowed = await app.request('/api/v1/operations', { headers: { origin: 'https://builder.example.com' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://builder.example.com');
    const preflight = await app.request('/api/v1/chat', {
      method: 'OPTIONS',
      headers: { origin: 'https://builder.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.ok(preflight.status === 204 || preflight.status === 200);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    const other = await get('/balance', ws.token, { origin: 'https://evil.example.net' });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(other.headers.get('x-frame-options'), 'DENY');
    assert.match(other.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(other.headers.get('referrer-policy'), 'no-referrer');
  });
});
