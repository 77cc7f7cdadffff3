import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { ByokStatus } from '../../../src/contract/index.js';
import { KeyCipher, keyHint } from '../../../src/server/byok/key-cipher.js';
import { privateUrlReason } from '../../../src/server/byok/public-url.js';
import { resolveServerSecret, SECRET_FILE } from '../../../src/server/byok/server-secret.js';
import { startFakeOpenAI } from '../../support/fake-openai.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { aiOptionsFor, assertBooksClean, balanceOf, chat, chatKey, demoAiOptions, openChatHarness, textOf, UPSTREAM_KEY, WIRE_FORMATS } from './support.js';

const BYOK_KEY = 'sk-proj-workspace-own-key-SECRET-4f9a';
const SECRET = 'test-secret-0123456789-abcdefghij';

/** Everything written to the console while `work` runs. */
async function consoleDuring<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  let output = '';
  for (const m of methods) console[m] = (...args: unknown[]) => void (output += `${args.map(String).join(' ')}\n`);
  try {
    return { result: await work(), output };
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]!));
  }
}

describe('BYOK key encryption', () => {
  it('round-trips with AES-256-GCM and refuses another workspace, another secret or a changed byte', () => {
    const cipher = new KeyCipher(SECRET);
    const stored = cipher.encrypt(BYOK_KEY, 'ws_a');
    assert.match(stored, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!stored.includes(BYOK_KEY));
    assert.notEqual(cipher.encrypt(BYOK_KEY, 'ws_a'), stored, 'a fresh IV each time');
    assert.equal(cipher.decrypt(stored, 'ws_a'), BYOK_KEY);
    assert.throws(() => cipher.decrypt(stored, 'ws_b'), /does not decrypt/);
    assert.throws(() => new KeyCipher(`${SECRET}-other`).decrypt(stored, 'ws_a'), /does not decrypt/);
    // Flip one bit of one decoded byte: changing base64 characters may only touch padding bits.
    const [format, iv, tag, body] = stored.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[3]! ^= 0x01;
    assert.throws(() => cipher.decrypt([format, iv, tag, flipped.toString('base64url')].join('.'), 'ws_a'), /does not decrypt/);
    assert.throws(() => new KeyCipher('short'), /at least 16/);
  });

  it('hints a key by its vendor prefix and last four characters only', () => {
    assert.equal(keyHint('sk-abcdefghijklmnopqrstuvwxyz1234'), 'sk-…1234');
    assert.equal(keyHint('sk-ant-api03-abcdefghijklmnopqrstuvwxyz-wxyz'), 'sk-ant-…wxyz');
    assert.equal(keyHint('xai-0123456789abcdefghij'), 'xai-…ghij');
    assert.equal(keyHint('shortkey1'), '…', 'a short key shows nothing of itself');
  });

  it('takes CREDIT_CHAT_SECRET, else keeps a generated one in the PGlite data directory, else (PostgreSQL) none', () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    assert.equal(resolveServerSecret({ configured: SECRET, storeKind: 'postgres', warn }), SECRET);
    assert.equal(resolveServerSecret({ storeKind: 'postgres', warn }), undefined);
    assert.match(warnings.pop()!, /BYOK is off/);
    const dir = mkdtempSync(join(tmpdir(), 'credit-chat-secret-'));
    try {
      const generated = resolveServerSecret({ dataDir: dir, storeKind: 'pglite', warn })!;
      assert.ok(generated.length >= 32);
      assert.match(warnings.pop()!, /generated one in .*credit-chat-secret/);
      assert.equal(statSync(join(dir, SECRET_FILE)).mode & 0o777, 0o600);
      assert.equal(readFileSync(join(dir, SECRET_FILE), 'utf8').trim(), generated);
      assert.equal(resolveServerSecret({ dataDir: dir, storeKind: 'pglite', warn }), generated, 'the next start reads it back');
      assert.equal(warnings.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(resolveServerSecret({ storeKind: 'pglite' }), 'an in-memory store gets one for the process');
  });

  it('knows private and loopback hosts', async () => {
    for (const url of ['http://localhost:11434/v1', 'http://127.0.0.1/v1', 'http://10.1.2.3', 'http://169.254.169.254/latest', 'http://[::1]:8080', 'http://192.168.0.5', 'http://ollama.internal']) {
      assert.ok(await privateUrlReason(url), url);
    }
    // public names resolve to public addresses here (the machine has no DNS to ask)
    const publicDns: typeof import('node:dns').lookup = ((_host: string, _options: unknown, callback: (err: null, list: { address: string; family: number }[]) => void) =>
      callback(null, [{ address: '104.18.7.192', family: 4 }])) as never;
    for (const url of ['https://api.openai.com/v1', 'https://openrouter.ai/api/v1', 'http://8.8.8.8']) assert.equal(await privateUrlReason(url, publicDns), null, url);
  });
});

onEachStore('BYOK: PUT, GET, DELETE /byok and chats on the workspace’s own key', (kind) => {
  let serverUpstream: FakeUpstream;
  let ownUpstream: FakeUpstream;
  let h: Harness;
  before(async () => {
    serverUpstream = await WIRE_FORMATS[0].start();
    ownUpstream = await startFakeOpenAI({ text: 'Answered on the workspace’s own key.' });
    h = await openChatHarness(kind, aiOptionsFor(WIRE_FORMATS[0], serverUpstream));
  });
  after(async () => {
    await h.close();
    await serverUpstream.close();
    await ownUpstream.close();
  });

  const putKey = (token: string, overrides: Record<string, unknown> = {}) =>
    h.request('PUT', '/byok', token, { provider: 'openai', apiKey: BYOK_KEY, baseUrl: ownUpstream.url, model: 'gpt-4o-mini', ...overrides });

  it('stores the key encrypted and shows only provider, model, base URL and a hint', async () => {
    const ws = await h.workspace();
    const empty = await h.request('GET', '/byok', ws.token);
    assert.deepEqual(empty.body, { enabled: false, provider: null, model: null, baseUrl: null, keyHint: null, updatedAt: null });
    const put = await putKey(ws.token);
    assert.equal(put.status, 200);
    const status = z.parse(ByokStatus, put.body);
    assert.deepEqual([status.enabled, status.provider, status.model, status.baseUrl, status.keyHint], [true, 'openai', 'gpt-4o-mini', ownUpstream.url, 'sk-proj-…4f9a']);
    assert.deepEqual((await h.request('GET', '/byok', ws.tokens[1])).body, put.body, 'every builder of the workspace sees it');
    const [row] = await h.store.query<{ key_ciphertext: string }>('SELECT key_ciphertext FROM byok_keys WHERE workspace_id = $1', [ws.id]);
    assert.ok(!row!.key_ciphertext.includes(BYOK_KEY));
    assert.equal((await balanceOf(h, ws.token)).byok, true);

    const other = await h.workspace();
    assert.equal((await h.request('GET', '/byok', other.token)).body.enabled, false, 'another workspace does not see it');

    const removed = await h.request('DELETE', '/byok', ws.token);
    assert.equal(removed.body.enabled, false);
    assert.equal((await balanceOf(h, ws.token)).byok, false);
  });

  it('a BYOK chat goes to the workspace’s provider, debits nothing, records usage, and an empty pool does not block it', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 0 });
    await putKey(ws.token);
    ownUpstream.requests.length = 0;
    serverUpstream.requests.length = 0;
    const result = await chat(h, ws.token, { operation: 'app_generation', prompt: 'a CRM', idempotencyKey: chatKey() });
    assert.equal(result.status, 200);
    const reserved = result.events[0]!.data;
    assert.equal(reserved.holdId, null);
    assert.equal(reserved.credits, 0);
    assert.equal(textOf(result.events), 'Answered on the workspace’s own key.');
    const receipt = result.last!.data.receipt;
    assert.equal(result.last!.event, 'settled');
    assert.deepEqual([receipt.byok, receipt.credits, receipt.balance.byok, receipt.balance.total], [true, 0, true, 0]);
    assert.ok(receipt.usage.outputTokens > 0);
    assert.equal(ownUpstream.requests.length, 1);
    assert.equal(serverUpstream.requests.length, 0);
    assert.equal(ownUpstream.lastRequest!.headers.authorization, `Bearer ${BYOK_KEY}`);
    const usage = (await h.request('GET', '/usage', ws.token)).body.entries;
    assert.deepEqual(usage.map((e: { byok: boolean; credits: number; operation: string }) => [e.byok, e.credits, e.operation]), [[true, 0, 'app_generation']]);
    assert.deepEqual(await h.totals(ws.id), { granted: 0, captured: 0, expired: 0, held: 0, available: 0 });
    await assertBooksClean(h, ws.id);

    // without the key, the same empty pool refuses the operation
    await h.request('DELETE', '/byok', ws.token);
    const refused = await chat(h, ws.token, { operation: 'app_generation', prompt: 'a CRM', idempotencyKey: chatKey() });
    assert.equal(refused.status, 402);
  });

  it('never shows the key: not in answers, headers, events, errors, rows or the console', async () => {
    const ws = await h.workspace();
    const { output } = await consoleDuring(async () => {
      const seen: string[] = [];
      const put = await putKey(ws.token);
      seen.push(JSON.stringify(put.body), JSON.stringify([...put.headers]));
      const get = await h.request('GET', '/byok', ws.token);
      seen.push(JSON.stringify(get.body));
      // the provider refuses the key, naming it in its error, and then fails in other ways
      for (const reply of [
        { status: 401, errorMessage: `Incorrect API key provided: ${BYOK_KEY}` },
        { status: 500, errorMessage: `internal error for key ${BYOK_KEY}` },
        { status: 429, errorMessage: `rate limit for ${BYOK_KEY}`, retryAfter: '2' },
        { fault: 'error_event' as const },
        {},
      ]) {
        ownUpstream.replyOnce(reply);
        const result = await chat(h, ws.token, { operation: 'custom_code', prompt: 'x', idempotencyKey: chatKey() });
        seen.push(JSON.stringify(result.events), JSON.stringify(result.json ?? null), JSON.stringify([...result.headers]));
        if (reply.status === 401) assert.match(result.last!.data.message, /refused the API key/);
      }
      const invalid = await h.request('PUT', '/byok', ws.token, { provider: 'nope', apiKey: BYOK_KEY });
      assert.equal(invalid.status, 400);
      seen.push(JSON.stringify(invalid.body));
      for (const path of ['/conversations', '/usage', '/balance']) seen.push(JSON.stringify((await h.request('GET', path, ws.token)).body));
      for (const text of seen) assert.ok(!text.includes(BYOK_KEY) && !text.includes('SECRET-4f9a'), `leaked in ${text.slice(0, 200)}`);
    });
    assert.ok(!output.includes(BYOK_KEY) && !output.includes('SECRET-4f9a'), 'leaked in the console');
    const rows = await h.store.query<{ dump: string }>(
      `SELECT (SELECT coalesce(string_agg(r::text, ''), '') FROM ai_requests r WHERE r.workspace_id = $1)
           || (SELECT coalesce(string_agg(m::text, ''), '') FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.workspace_id = $1)
           || (SELECT coalesce(string_agg(x::text, ''), '') FROM receipts x WHERE x.workspace_id = $1) AS dump`,
      [ws.id],
    );
    assert.ok(!rows[0]!.dump.includes(BYOK_KEY));
    await assertBooksClean(h, ws.id);
  });

  it('refuses a base URL on a private network unless the server allows it', async () => {
    const strict = await openChatHarness(kind, demoAiOptions());
    try {
      const ws = await strict.workspace();
      const refused = await strict.request('PUT', '/byok', ws.token, { provider: 'openai', apiKey: BYOK_KEY, baseUrl: 'http://169.254.169.254/v1' });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.field, 'baseUrl');
      const fine = await strict.request('PUT', '/byok', ws.token, { provider: 'anthropic', apiKey: BYOK_KEY });
      assert.equal(fine.status, 200);
      assert.equal(fine.body.model, null);
      const estimate = await strict.request('POST', '/estimate', ws.token, { operation: 'custom_code', prompt: 'x' });
      assert.equal(estimate.status, 200, 'estimates need no key');
    } finally {
      await strict.close();
    }
  });

  it('without a server secret, PUT /byok is 403; a key stored under another secret is a clear 409', async () => {
    const noSecret = await openChatHarness(kind, demoAiOptions({ secret: undefined }));
    try {
      const ws = await noSecret.workspace();
      const refused = await noSecret.request('PUT', '/byok', ws.token, { provider: 'openai', apiKey: BYOK_KEY });
      assert.equal(refused.status, 403);
      assert.match(refused.body.error.message, /CREDIT_CHAT_SECRET/);
      assert.equal((await noSecret.request('GET', '/byok', ws.token)).body.enabled, false);
    } finally {
      await noSecret.close();
    }
    // a key that this server's secret does not open (written under another secret, or altered)
    const ws = await h.workspace();
    await putKey(ws.token);
    await h.store.query("UPDATE byok_keys SET key_ciphertext = 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA' WHERE workspace_id = $1", [ws.id]);
    const result = await chat(h, ws.token, { operation: 'custom_code', prompt: 'x', idempotencyKey: chatKey() });
    assert.equal(result.status, 409);
    assert.match(result.json.error.message, /store the key again/);
    await assertBooksClean(h, ws.id);
  });

  it('the server’s own upstream key never reaches a builder either', async () => {
    const ws = await h.workspace();
    serverUpstream.replyOnce({ status: 401, errorMessage: `Incorrect API key provided: ${UPSTREAM_KEY}` });
    const result = await chat(h, ws.token, { operation: 'custom_code', prompt: 'x', idempotencyKey: chatKey() });
    assert.ok(!JSON.stringify(result.events).includes(UPSTREAM_KEY));
    await assertBooksClean(h, ws.id);
  });
});
