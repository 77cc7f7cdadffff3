import assert from 'node:assert/strict';
import type { lookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ByokStore } from '../../../src/server/byok/byok-store.js';
import { KeyCipher } from '../../../src/server/byok/key-cipher.js';
import { OpenAiProvider } from '../../../src/server/ai/providers/openai.js';
import { ProviderError } from '../../../src/server/ai/providers/types.js';
import { byokFetch, refusedAddress } from '../../../src/server/byok/outbound.js';
import { privateUrlReason } from '../../../src/server/byok/public-url.js';
import { aiOptionsFromEnv } from '../../../src/server/metering/ai-options.js';
import { startFakeOpenAI } from '../../support/fake-openai.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { assertBooksClean, balanceOf, chat, chatKey, demoAiOptions, openChatHarness, textOf } from './support.js';

const SECRET = 'test-secret-0123456789-abcdefghij';

/** Literal forms of this machine and of private networks, as a builder could write them (the URL parser normalizes most). */
const PRIVATE_LITERALS = [
  'http://2130706433/v1', // decimal 127.0.0.1
  'http://0x7f000001/v1', // hex
  'http://0177.0.0.1/v1', // octal
  'http://127.1/v1',
  'http://[::ffff:127.0.0.1]/v1', // IPv4-mapped (written [::ffff:7f00:1])
  'http://[::127.0.0.1]/v1', // IPv4-compatible
  'http://[64:ff9b::7f00:1]/v1', // NAT64
  'http://[::ffff:10.0.0.1]/v1',
  'http://[64:ff9b::a9fe:a9fe]/v1', // NAT64 of the cloud metadata address
  'http://[::1]/v1',
  'http://[fd12::1]/v1', // unique-local
  'http://[fe80::1]/v1', // link-local
  'http://100.64.0.1/v1', // CGNAT
  'http://169.254.169.254/latest',
  'http://10.1.2.3/v1',
  'http://172.16.0.1/v1',
  'http://192.168.1.1/v1',
  'http://0.0.0.0/v1',
];

/** A lookup that answers `address` for every name, as a DNS record pointing at it would. */
function resolvesTo(address: string, family = address.includes(':') ? 6 : 4): typeof lookup {
  return ((_host: string, options: unknown, callback: (err: null, list: { address: string; family: number }[] | string, family?: number) => void) => {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as never;
}

/** An HTTP server on 127.0.0.1 that counts the connections made to it. */
async function countingServer(handler?: Parameters<typeof createServer>[1]): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer(handler ?? ((_req, res) => res.end('{}')));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('BYOK outbound boundary', () => {
  it('refuses every literal form of a loopback or private address, and passes public ones', async () => {
    for (const url of PRIVATE_LITERALS) assert.ok(await privateUrlReason(url), url);
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '64:ff9b::808:808', '::ffff:8.8.8.8']) assert.equal(refusedAddress(address), null, address);
    for (const address of ['::ffff:7f00:1', '::7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', '64:ff9b:1::a00:1', 'ff02::1', '224.0.0.1']) {
      assert.ok(refusedAddress(address), address);
    }
  });

  it('resolves names: one that resolves to loopback or a private network is refused', async () => {
    assert.match((await privateUrlReason('https://gateway.example/v1', resolvesTo('127.0.0.1')))!, /loopback/);
    assert.match((await privateUrlReason('https://gateway.example/v1', resolvesTo('::ffff:7f00:1')))!, /loopback/);
    assert.match((await privateUrlReason('https://gateway.example/v1', resolvesTo('10.0.0.7')))!, /private/);
    assert.equal(await privateUrlReason('https://gateway.example/v1', resolvesTo('104.18.7.192')), null);
  });

  it('refuses at connect time, before any connection is made, whatever form names this machine', async () => {
    const target = await countingServer();
    try {
      const hosts = ['2130706433', '0x7f000001', '0177.0.0.1', '127.0.0.1', '[::ffff:127.0.0.1]', '[::127.0.0.1]', '[64:ff9b::7f00:1]', 'localhost'];
      for (const host of hosts) {
        await assert.rejects(byokFetch()(`http://${host}:${target.port}/v1/chat/completions`, { method: 'POST', body: '{}' }), (err: Error) => {
          assert.match(String((err.cause as Error | undefined)?.message), /not public/, host);
          return true;
        });
      }
      // a name whose DNS answer is this machine
      await assert.rejects(byokFetch({ lookup: resolvesTo('127.0.0.1') })(`http://gateway.example:${target.port}/v1`), /fetch failed/);
      assert.equal(target.connections(), 0);
      // the same server is reached when the policy calls its address public: the refusal above was the boundary
      const allowed = await byokFetch({ refuse: (a) => (a === '127.0.0.1' ? null : refusedAddress(a)) })(`http://127.0.0.1:${target.port}/`);
      assert.equal(allowed.status, 200);
      assert.equal(target.connections(), 1);
    } finally {
      await target.close();
    }
  });

  it('streams a provider’s answer through the checked connection, and a refusal is a ProviderError saying why', async () => {
    const fake = await startFakeOpenAI({ text: 'Streamed through the checked agent.' });
    try {
      const request = { system: 'be brief', messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 100, operation: 'custom_code' as const };
      // the fake's loopback address stands for a public one here
      const allowed = new OpenAiProvider({ model: 'gpt-4o-mini', baseUrl: fake.url, apiKey: 'sk-own', fetch: byokFetch({ refuse: (a) => (a === '127.0.0.1' ? null : refusedAddress(a)) }) });
      let text = '';
      for await (const event of allowed.stream(request)) if (event.type === 'delta') text += event.text;
      assert.equal(text, 'Streamed through the checked agent.');
      const refused = new OpenAiProvider({ model: 'gpt-4o-mini', baseUrl: fake.url, apiKey: 'sk-own', fetch: byokFetch() });
      await assert.rejects(
        async () => {
          for await (const _event of refused.stream(request)) assert.fail('nothing streams');
        },
        (err: unknown) => err instanceof ProviderError && /127\.0\.0\.1 is loopback, not public/.test(err.message),
      );
      assert.equal(fake.requests.length, 1, 'only the allowed call reached the upstream');
    } finally {
      await fake.close();
    }
  });

  it('follows no redirect, so an allowed upstream cannot send the call to a private address', async () => {
    const inside = await countingServer();
    const upstream = await countingServer((_req, res) => res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${inside.port}/v1/chat/completions` }).end());
    try {
      // the upstream's loopback address stands for a public one here
      const fetchOut = byokFetch({ refuse: (a) => (a === '127.0.0.1' ? null : refusedAddress(a)) });
      const answer = await fetchOut(`http://127.0.0.1:${upstream.port}/v1/chat/completions`, { method: 'POST', body: '{}' });
      assert.equal(answer.status, 307);
      assert.equal(upstream.connections(), 1);
      assert.equal(inside.connections(), 0);
    } finally {
      await upstream.close();
      await inside.close();
    }
  });
});

onEachStore('BYOK on a private address through /chat', (kind) => {
  let h: Harness;
  let allowing: Harness;
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeOpenAI({ text: 'Answered by the internal gateway.' });
    h = await openChatHarness(kind, demoAiOptions());
    const env = aiOptionsFromEnv({ CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS: '1' });
    allowing = await openChatHarness(kind, demoAiOptions({ allowPrivateByokUrls: env.allowPrivateByokUrls }));
  });
  after(async () => {
    await h.close();
    await allowing.close();
    await fake.close();
  });

  it('PUT /byok refuses each private form with 400 naming baseUrl', async () => {
    const ws = await h.workspace();
    for (const baseUrl of [...PRIVATE_LITERALS, 'http://localhost:11434/v1', fake.url]) {
      const put = await h.request('PUT', '/byok', ws.token, { provider: 'openai', apiKey: 'sk-own-key-0123456789', baseUrl });
      assert.equal(put.status, 400, baseUrl);
      assert.equal(put.body.error.field, 'baseUrl');
    }
    assert.equal((await h.request('GET', '/byok', ws.token)).body.enabled, false);
  });

  it('a key stored before (or a name that moved) is refused when the call connects: the answer fails, not charged', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 0 });
    // stored as a server that allowed private URLs would have stored it
    const ctx = { workspaceId: ws.id, builder: 'b', timeZone: 'UTC', cycleAnchorDay: 1, byok: false, tokenHash: null };
    await new ByokStore(h.store, { cipher: new KeyCipher(SECRET), allowPrivateUrls: true, clock: h.ledger }).put(ctx, {
      provider: 'openai',
      apiKey: 'sk-own-key-0123456789',
      baseUrl: fake.url,
      model: 'gpt-4o-mini',
    });
    h.ledger.forgetContexts(ws.id);
    fake.requests.length = 0;
    const answer = await chat(h, ws.token, { operation: 'custom_code', prompt: 'a debounce helper', idempotencyKey: chatKey() });
    assert.equal(answer.status, 200);
    assert.equal(answer.last!.event, 'error');
    assert.match(answer.last!.data.message, /not public.*Not charged\.$/s);
    assert.equal(answer.last!.data.charged, 0);
    assert.equal(fake.requests.length, 0, 'the upstream was never called');
    await assertBooksClean(h, ws.id);
  });

  it('with CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS=1 a BYOK answer from a local gateway on an empty pool charges 0', async () => {
    const ws = await allowing.workspace({ builders: 1, creditsPerBuilder: 0 });
    const put = await allowing.request('PUT', '/byok', ws.token, { provider: 'openai', apiKey: 'sk-own-key-0123456789', baseUrl: fake.url, model: 'gpt-4o-mini' });
    assert.equal(put.status, 200);
    const before = await balanceOf(allowing, ws.token);
    const answer = await chat(allowing, ws.token, { operation: 'custom_code', prompt: 'a debounce helper', idempotencyKey: chatKey() });
    assert.equal(answer.last!.event, 'settled');
    assert.equal(textOf(answer.events), 'Answered by the internal gateway.');
    assert.equal(answer.last!.data.receipt.byok, true);
    assert.deepEqual(await balanceOf(allowing, ws.token), before);
    await assertBooksClean(allowing, ws.id);
  });
});
