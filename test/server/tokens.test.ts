import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { originAllowed } from '../../src/server/http/security.js';
import { ADMIN_TOKEN, Harness, key } from './support/harness.js';
import { onEachStore } from './support/stores.js';

const AI = { provider: { provider: 'demo' as const }, providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } }, secret: 'tokens-test-secret-0123456789abcdef' };

describe('originAllowed', () => {
  const list = ['https://app.example.com', 'https://*.example.org', 'http://localhost:8000'];
  it('matches exact origins, and *. subdomains at any depth but never the bare domain', () => {
    assert.equal(originAllowed('https://app.example.com', list), true);
    assert.equal(originAllowed('https://a.example.org', list), true);
    assert.equal(originAllowed('https://a.b.example.org', list), true);
    assert.equal(originAllowed('https://example.org', list), false);
    assert.equal(originAllowed('http://a.example.org', list), false, 'another scheme');
    assert.equal(originAllowed('https://a.example.org:8443', list), false, 'another port');
    assert.equal(originAllowed('https://evil-example.org', list), false);
    assert.equal(originAllowed('https://a.example.org.evil.com', list), false);
    assert.equal(originAllowed('http://localhost:8000', list), true);
    assert.equal(originAllowed('http://localhost:8001', list), false);
    assert.equal(originAllowed('null', list), false);
  });
});

onEachStore('tokens that expire, and allowed origins', (kind) => {
  let h: Harness;
  let ws: { id: string; token: string };
  before(async () => {
    h = await Harness.open(kind, { ai: AI });
    ws = await h.workspace({ builders: 3, creditsPerBuilder: 100 });
  });
  after(() => h.close());

  const mint = (body: Record<string, unknown>, id = ws.id) => h.admin('POST', `/workspaces/${id}/tokens`, body);

  it('mints 15-minute tokens over HTTP unless ttlSeconds says otherwise, with roles on the builder context', async () => {
    const now = h.clock.now().getTime();
    const standard = await mint({ builder: 'builder-1' });
    assert.equal(standard.status, 201, JSON.stringify(standard.body));
    assert.equal(standard.body.builder, 'builder-1');
    assert.equal(standard.body.workspaceId, ws.id);
    assert.equal(Date.parse(standard.body.expiresAt), now + 15 * 60_000);
    assert.deepEqual(standard.body.roles, []);
    const short = await mint({ builder: 'builder-2', ttlSeconds: 3, roles: ['billing'] });
    assert.equal(Date.parse(short.body.expiresAt), now + 3_000);
    assert.deepEqual(short.body.roles, ['billing']);
    const ctx = await h.ledger.authenticate(short.body.token);
    assert.deepEqual(ctx?.roles, ['billing']);
    assert.equal(ctx?.builder, 'builder-2');
  });

  it('refuses a lifetime out of bounds and bad roles, naming the field', async () => {
    for (const [body, field] of [
      [{ builder: 'b', ttlSeconds: 0 }, 'ttlSeconds'],
      [{ builder: 'b', ttlSeconds: 30 * 24 * 3600 + 1 }, 'ttlSeconds'],
      [{ builder: 'b', ttlSeconds: 1.5 }, 'ttlSeconds'],
      [{ builder: 'b', roles: ['Billing'] }, 'roles[0]'],
      [{ builder: 'b', roles: ['billing', 'billing'] }, 'roles'],
    ] as const) {
      const answer = await mint(body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.field, field, JSON.stringify(answer.body));
    }
  });

  it('answers 401 token_expired once the lifetime is over, on /api/v1 and on the gateway in OpenAI’s shape; unknown stays unauthorized', async () => {
    const { token } = (await mint({ builder: 'builder-3', ttlSeconds: 60 })).body;
    assert.equal((await h.request('GET', '/balance', token)).status, 200);
    h.clock.advance(59_999);
    assert.equal((await h.request('GET', '/balance', token)).status, 200);
    h.clock.advance(1);
    const expired = await h.request('GET', '/balance', token);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, 'token_expired');
    const before = await h.rowCounts(ws.id);
    const chat = await h.request('POST', '/chat', token, { operation: 'sql_generation', prompt: 'x', idempotencyKey: key() });
    assert.equal(chat.body.error.code, 'token_expired');
    assert.deepEqual(await h.rowCounts(ws.id), before, 'an expired token wrote nothing');
    const gateway = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(gateway.status, 401);
    const body = (await gateway.json()) as { error: { code: string; type: string; message: string; param: null } };
    assert.equal(body.error.code, 'token_expired');
    assert.equal(body.error.type, 'invalid_request_error', 'as OpenAI answers a bad key');
    const unknown = await h.request('GET', '/balance', 'no-such-token-0123456789');
    assert.equal(unknown.body.error.code, 'unauthorized');
    // the harness's tokens are minted like the CLI's: they never expire
    h.clock.advance(400 * 24 * 3600_000);
    assert.equal((await h.request('GET', '/balance', ws.token)).status, 200);
  });

  describe('allowed origins', () => {
    let other: { id: string; token: string };
    before(async () => {
      other = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    });
    const asBrowser = (token: string, origin: string | undefined, path = '/api/v1/balance', init: RequestInit = {}) =>
      h.fetch(path, { ...init, headers: { authorization: `Bearer ${token}`, ...(origin ? { origin } : {}), ...(init.headers as object) } });

    it('validates the list: scheme + host [+ port], *. only at the left', async () => {
      for (const [origin, ok] of [
        ['https://app.example.com', true],
        ['https://*.example.com', true],
        ['http://localhost:8000', true],
        ['https://app.example.com/', false],
        ['https://app.example.com/path', false],
        ['app.example.com', false],
        ['ftp://example.com', false],
        ['https://a.*.example.com', false],
        ['https://*.com', false],
        ['https://*', false],
        ['https://App.Example.com', false],
      ] as const) {
        const answer = await h.admin('PUT', `/workspaces/${other.id}/origins`, { origins: [origin] });
        assert.equal(answer.status, ok ? 200 : 400, `${origin}: ${JSON.stringify(answer.body)}`);
        if (!ok) assert.equal(answer.body.error.field, 'origins[0]');
      }
      assert.equal((await h.admin('PUT', '/workspaces/no_such_ws/origins', { origins: [] })).status, 404);
      assert.equal((await h.admin('PUT', `/workspaces/${other.id}/origins`, { origins: [] })).status, 200);
    });

    it('answers 403 origin_not_allowed to a browser from elsewhere before reading or writing; servers and listed origins pass', async () => {
      const set = await h.admin('PUT', `/workspaces/${ws.id}/origins`, { origins: ['https://app.example.com', 'https://*.example.com'] });
      assert.deepEqual(set.body, { workspaceId: ws.id, origins: ['https://app.example.com', 'https://*.example.com'] });
      assert.equal((await asBrowser(ws.token, 'https://app.example.com')).status, 200);
      assert.equal((await asBrowser(ws.token, 'https://eu.example.com')).status, 200);
      assert.equal((await asBrowser(ws.token, undefined)).status, 200, 'a server sends no Origin');
      const before = await h.rowCounts(ws.id);
      for (const [path, init] of [
        ['/api/v1/balance', {}],
        ['/api/v1/debits', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'custom_code', credits: 1, idempotencyKey: key() }) }],
        ['/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) }],
      ] as const) {
        const refused = await asBrowser(ws.token, 'https://evil.test', path, init as RequestInit);
        assert.equal(refused.status, 403, path);
        const body = (await refused.json()) as { error: { code: string } };
        assert.equal(body.error.code, 'origin_not_allowed', path);
      }
      assert.deepEqual(await h.rowCounts(ws.id), before, 'nothing written');
      // a workspace without a list is not restricted per workspace
      assert.equal((await asBrowser(other.token, 'https://evil.test')).status, 200);
      // the list can be emptied again
      await h.admin('PUT', `/workspaces/${ws.id}/origins`, { origins: [] });
      assert.equal((await asBrowser(ws.token, 'https://evil.test')).status, 200);
      await h.admin('PUT', `/workspaces/${ws.id}/origins`, { origins: ['https://app.example.com', 'https://*.example.com'] });
    });

    it("answers a preflight (no token) for an origin of any workspace's list, and not for others", async () => {
      const preflight = (origin: string) =>
        h.fetch('/api/v1/balance', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
        });
      const allowed = await preflight('https://eu.example.com');
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://eu.example.com');
      assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /PATCH/);
      const refused = await preflight('https://evil.test');
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
    });

    it('puts CORS headers on the answers to a browser of a listed origin, and none on a server’s (no Origin)', async () => {
      const browser = await asBrowser(ws.token, 'https://eu.example.com');
      assert.equal(browser.status, 200);
      assert.equal(browser.headers.get('access-control-allow-origin'), 'https://eu.example.com');
      assert.match(browser.headers.get('access-control-expose-headers') ?? '', /X-Credit-Charged/);
      const server = await asBrowser(ws.token, undefined);
      assert.equal(server.status, 200);
      assert.equal(server.headers.get('access-control-allow-origin'), null);
      assert.equal(server.headers.get('access-control-expose-headers'), null);
      // the security headers are on both
      assert.equal(server.headers.get('x-frame-options'), 'DENY');
      assert.equal(browser.headers.get('x-frame-options'), 'DENY');
    });
  });

  it('keeps the admin token out of builder routes', async () => {
    assert.equal((await h.request('GET', '/balance', ADMIN_TOKEN)).status, 403);
  });
});
