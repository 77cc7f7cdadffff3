import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ROUTES } from '../../../src/server/openapi.js';
import { ADMIN_TOKEN, Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

const SECRET = 'access-matrix-secret-0123456789abcdef';
const BYOK_KEY = 'sk-victim-byok-key-DO-NOT-LEAK-4242';
/**
 * Routes without a token (auth `none` in the table): the catalog, the contract's own
 * description, the payment webhook (its signature is its credential) and the demo gateway's page.
 */
const isPublic = (route: { auth: string }) => route.auth === 'none';

const sampleBody: Record<string, unknown> = {
  'post /estimate': { operation: 'sql_generation', prompt: 'x' },
  'post /holds': { operation: 'sql_generation', credits: 1, idempotencyKey: 'access-key-1' },
  'post /holds/{id}/capture': { credits: 1 },
  'post /debits': { operation: 'sql_generation', credits: 1, idempotencyKey: 'access-key-2' },
  'post /chat': { operation: 'sql_generation', prompt: 'x', idempotencyKey: 'access-key-3' },
  'put /byok': { provider: 'openai', apiKey: 'sk-attacker-0123456789' },
  'patch /conversations/{id}': { title: 'stolen' },
  'put /conversations/{id}/messages/{messageId}/feedback': { rating: 'down' },
  'post /admin/workspaces': { name: 'intruder' },
  'put /admin/workspaces/{id}/license': { builders: 1, creditsPerBuilder: 1, cycleAnchorDay: 1 },
  'post /admin/workspaces/{id}/addons': { credits: 100, reference: 'steal' },
  'post /admin/workspaces/{id}/tokens': { builder: 'intruder' },
  'put /admin/workspaces/{id}/purchase-settings': { whoMayBuy: 'any_builder' },
  'post /purchases': { credits: 100 },
  'put /admin/workspaces/{id}/origins': { origins: ['https://intruder.test'] },
  'put /admin/workspaces/{id}/thresholds': { monthlyPercents: [1] },
  'put /admin/workspaces/{id}/builder-limits': { default: { credits: 0, mode: 'block' } },
  'put /admin/workspaces/{id}/builders/{builder}/limit': { credits: 0, mode: 'block' },
  'post /admin/workspaces/{id}/webhooks': { url: 'https://intruder.test/hook' },
};

/** The OpenAI-compatible gateway at /v1 (outside /api/v1): builder routes, errors in OpenAI's shape. */
const GATEWAY_ROUTES = [
  { method: 'get', path: '/v1/models' },
  { method: 'get', path: '/v1/models/credit-chat-demo-1' },
  { method: 'post', path: '/v1/chat/completions' },
  { method: 'post', path: '/v1/embeddings' },
] as const;
const gatewayBody = { model: 'credit-chat-demo-1', messages: [{ role: 'user', content: 'x' }] };

/** Every console line the server writes during the test, to scan for secrets. */
function captureConsole(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { lines, restore: () => methods.forEach((m, i) => (console[m] = originals[i]!)) };
}

onEachStore('access matrix: every endpoint x every wrong credential', (kind) => {
  let h: Harness;
  let output: ReturnType<typeof captureConsole>;
  let victim: { id: string; token: string; holdId: string; conversationId: string; purchaseId: string };
  let intruder: { id: string; token: string };
  let revoked: string;
  /** a token of the victim's builder whose lifetime is over */
  let expired: string;
  const answers: { where: string; status: number; headers: string; body: string }[] = [];

  before(async () => {
    output = captureConsole();
    h = await Harness.open(kind, {
      ai: { provider: { provider: 'demo' }, providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } }, secret: SECRET, allowPrivateByokUrls: true },
      payments: { pricePer100: 1000, currency: 'usd', maxCredits: 10_000 },
    });
    const v = await h.workspace({ builders: 2, creditsPerBuilder: 100, addon: 100 });
    const hold = await h.request('POST', '/holds', v.token, { operation: 'sql_generation', credits: 7.777, idempotencyKey: key() });
    const chat = await h.fetch('/api/v1/chat', {
      method: 'POST',
      headers: { authorization: `Bearer ${v.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'sql_generation', prompt: 'victim secret prompt', idempotencyKey: key() }),
    });
    const stream = await chat.text();
    const conversationId = /"conversationId":"([^"]+)"/.exec(stream)?.[1];
    assert.ok(conversationId, `no conversation in ${stream.slice(0, 300)}`);
    const byok = await h.request('PUT', '/byok', v.token, { provider: 'openai', apiKey: BYOK_KEY, baseUrl: 'http://127.0.0.1:9/v1' });
    assert.equal(byok.status, 200, JSON.stringify(byok.body));
    const purchase = await h.request('POST', '/purchases', v.token, { credits: 700 });
    assert.equal(purchase.status, 201, JSON.stringify(purchase.body));
    victim = { id: v.id, token: v.token, holdId: hold.body.id, conversationId, purchaseId: purchase.body.id };
    revoked = v.tokens[1]!;
    await h.ledger.revokeToken(revoked);
    expired = (await h.admin('POST', `/workspaces/${v.id}/tokens`, { builder: 'builder-1', ttlSeconds: 1 })).body.token;
    h.clock.advance(1000);
    const i = await h.workspace({ builders: 1, creditsPerBuilder: 5 });
    intruder = { id: i.id, token: i.token };
  });
  after(async () => {
    output.restore();
    await h.close();
  });

  async function send(method: string, path: string, authorization: string | undefined, where: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== undefined) headers.authorization = authorization;
    const body = sampleBody[`${method} ${path}`];
    const id = path.startsWith('/admin')
      ? victim.id
      : path.startsWith('/holds')
        ? victim.holdId
        : path.startsWith('/purchases')
          ? victim.purchaseId
          : victim.conversationId;
    const resolved = path.replace('{id}', id);
    const response = await h.fetch(`/api/v1${resolved}`, {
      method: method.toUpperCase(),
      headers,
      body: method === 'get' || method === 'delete' || body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push({ where, status: response.status, headers: JSON.stringify([...response.headers]), body: text });
    return { status: response.status, text };
  }

  it('refuses no token, a malformed, unknown or revoked token with 401 on every non-public route (403 on admin routes)', async () => {
    for (const r of ROUTES) {
      if (isPublic(r)) continue;
      for (const [label, auth] of [
        ['no token', undefined],
        ['malformed', 'Bearer'],
        ['not bearer', `Basic ${Buffer.from('a:b').toString('base64')}`],
        ['garbage', 'Bearer !!!'],
        ['unknown', 'Bearer cct_unknown0000000000000000000000000000000000'],
        ['revoked', `Bearer ${revoked}`],
        ['expired', `Bearer ${expired}`],
      ] as const) {
        const { status } = await send(r.method, r.path, auth, `${label} ${r.method} ${r.path}`);
        // On admin routes a well-formed token that is not the admin token is forbidden, not unknown.
        const expected = r.admin && (label === 'revoked' || label === 'unknown' || label === 'expired') ? 403 : 401;
        assert.equal(status, expected, `${label} on ${r.method.toUpperCase()} ${r.path}`);
      }
    }
  });

  it("never lets another workspace's builder see or touch the victim's data", async () => {
    for (const r of ROUTES) {
      if (isPublic(r) || r.admin) continue;
      const { status, text } = await send(r.method, r.path, `Bearer ${intruder.token}`, `intruder ${r.method} ${r.path}`);
      if (r.path.includes('{id}')) assert.equal(status, 404, `intruder on ${r.method.toUpperCase()} ${r.path}`);
      assert.ok(status < 500, `${r.path}: ${status}`);
      for (const secret of [victim.id, victim.holdId, victim.conversationId, victim.purchaseId, 'victim secret prompt', '7.777']) {
        assert.ok(!text.includes(secret), `${r.method.toUpperCase()} ${r.path} showed the victim's ${secret}`);
      }
    }
    const victimBalance = await h.request('GET', '/balance', victim.token);
    assert.equal(victimBalance.body.held, 7.777);
  });

  it('the public routes show no workspace anything with any token; the webhook refuses what is not signed', async () => {
    for (const r of ROUTES.filter(isPublic)) {
      for (const [label, auth] of [['no token', undefined], ['intruder', `Bearer ${intruder.token}`], ['admin', `Bearer ${ADMIN_TOKEN}`]] as const) {
        const { status, text } = await send(r.method, r.path, auth, `${label} ${r.method} ${r.path}`);
        assert.ok(status < 500, `${label} on ${r.method.toUpperCase()} ${r.path}: ${status}`);
        if (r.path === '/webhooks/stripe') assert.equal(status, 400, `${label}: ${text}`);
        for (const secret of [victim.id, victim.holdId, victim.conversationId, victim.purchaseId, 'victim secret prompt']) {
          assert.ok(!text.includes(secret), `${r.method.toUpperCase()} ${r.path} showed the victim's ${secret}`);
        }
      }
    }
  });

  it('refuses a builder token on every admin route with 403, and the admin token as a builder with 403', async () => {
    for (const r of ROUTES.filter((route) => route.admin)) {
      assert.equal((await send(r.method, r.path, `Bearer ${victim.token}`, `builder on ${r.path}`)).status, 403, r.path);
    }
    for (const r of ROUTES.filter((route) => !route.admin && !isPublic(route))) {
      assert.equal((await send(r.method, r.path, `Bearer ${ADMIN_TOKEN}`, `admin on ${r.path}`)).status, 403, r.path);
    }
  });

  async function sendGateway(method: string, path: string, authorization: string | undefined, where: string, body: unknown = gatewayBody) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await h.fetch(path, { method: method.toUpperCase(), headers, body: method === 'post' ? JSON.stringify(body) : undefined });
    const text = await response.text();
    answers.push({ where, status: response.status, headers: JSON.stringify([...response.headers]), body: text });
    return { status: response.status, text };
  }

  it('the gateway: 401 for every wrong token, 403 for the admin token, in OpenAI’s error shape; an intruder sees only its own', async () => {
    for (const r of GATEWAY_ROUTES) {
      for (const [label, auth, expected] of [
        ['no token', undefined, 401],
        ['malformed', 'Bearer', 401],
        ['garbage', 'Bearer !!!', 401],
        ['unknown', 'Bearer cct_unknown0000000000000000000000000000000000', 401],
        ['revoked', `Bearer ${revoked}`, 401],
        ['expired', `Bearer ${expired}`, 401],
        ['admin', `Bearer ${ADMIN_TOKEN}`, 403],
      ] as const) {
        const { status, text } = await sendGateway(r.method, r.path, auth, `${label} ${r.method} ${r.path}`);
        assert.equal(status, expected, `${label} on ${r.method.toUpperCase()} ${r.path}`);
        const { error } = JSON.parse(text);
        assert.equal(typeof error.type, 'string', text);
        assert.ok('param' in error && 'code' in error, text);
      }
      const { status, text } = await sendGateway(r.method, r.path, `Bearer ${intruder.token}`, `intruder ${r.method} ${r.path}`);
      assert.ok(status < 500, `${r.path}: ${status} ${text}`);
      for (const secret of [victim.id, victim.holdId, victim.conversationId, 'victim secret prompt', '7.777']) {
        assert.ok(!text.includes(secret), `${r.method.toUpperCase()} ${r.path} showed the victim's ${secret}`);
      }
    }
    // the victim's own BYOK upstream (its configured model) is unreachable: the failure names no key
    const own = await sendGateway('post', '/v1/chat/completions', `Bearer ${victim.token}`, 'victim BYOK gateway', { messages: gatewayBody.messages });
    assert.equal(own.status, 502, own.text);
    const victimBalance = await h.request('GET', '/balance', victim.token);
    assert.equal(victimBalance.body.held, 7.777);
  });

  it('shows the BYOK key and the admin token in no response body, header or log line', async () => {
    const shown = await h.request('GET', '/byok', victim.token);
    assert.equal(shown.body.enabled, true);
    assert.match(shown.body.keyHint, /…4242$/);
    answers.push({ where: 'GET /byok', status: shown.status, headers: JSON.stringify([...shown.headers]), body: JSON.stringify(shown.body) });
    const rows = await h.store.query<Record<string, unknown>>('SELECT * FROM byok_keys');
    assert.ok(rows.length > 0);
    assert.ok(!JSON.stringify(rows).includes(BYOK_KEY), 'the key is stored in the clear');
    for (const secret of [BYOK_KEY, BYOK_KEY.slice(3, -4), ADMIN_TOKEN, SECRET]) {
      for (const answer of answers) {
        assert.ok(!answer.body.includes(secret) && !answer.headers.includes(secret), `${answer.where} shows a secret`);
      }
      for (const line of output.lines) assert.ok(!line.includes(secret), `a log line shows a secret: ${line.slice(0, 120)}`);
    }
    assert.ok(answers.length > 100, `only ${answers.length} answers scanned`);
  });
});
