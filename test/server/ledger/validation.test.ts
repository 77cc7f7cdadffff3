import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ADMIN_TOKEN, Harness, key } from '../support/harness.js';
import { listen } from '../support/listen.js';
import { onEachStore } from '../support/stores.js';

type Case = [title: string, method: string, path: string, body: unknown, field: string];

onEachStore('bad input: 400 naming the field, nothing written', (kind) => {
  let h: Harness;
  let ws: { id: string; token: string; tokens: string[] };
  let holdId: string;
  before(async () => {
    h = await Harness.open(kind);
    ws = await h.workspace({ builders: 1, creditsPerBuilder: 100, addon: 100 });
    holdId = (await h.request('POST', '/holds', ws.token, { operation: 'sql_generation', credits: 5, idempotencyKey: key() })).body.id;
  });
  after(() => h.close());

  const hold = (patch: Record<string, unknown>) => ({ operation: 'sql_generation', credits: 5, idempotencyKey: 'valid-key-123', ...patch });
  const without = (field: string, body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== field));

  const builderCases = (): Case[] => [
    ['missing operation', 'POST', '/holds', without('operation', hold({})), 'operation'],
    ['missing credits', 'POST', '/holds', without('credits', hold({})), 'credits'],
    ['missing idempotency key', 'POST', '/holds', without('idempotencyKey', hold({})), 'idempotencyKey'],
    ['extra field', 'POST', '/holds', hold({ discount: 1 }), 'discount'],
    ['credits as a string', 'POST', '/holds', hold({ credits: '5' }), 'credits'],
    ['negative credits', 'POST', '/holds', hold({ credits: -1 }), 'credits'],
    ['zero credits', 'POST', '/holds', hold({ credits: 0 }), 'credits'],
    ['non-finite credits', 'POST', '/holds', '{"operation":"sql_generation","credits":1e999,"idempotencyKey":"valid-key-123"}', 'credits'],
    ['more than 3 decimals', 'POST', '/holds', hold({ credits: 1.0005 }), 'credits'],
    ['huge credits', 'POST', '/holds', hold({ credits: 1e16 }), 'credits'],
    ['unknown operation', 'POST', '/holds', hold({ operation: 'mine_bitcoin' }), 'operation'],
    ['short idempotency key', 'POST', '/holds', hold({ idempotencyKey: 'abc' }), 'idempotencyKey'],
    ['ttl not whole', 'POST', '/holds', hold({ ttlSeconds: 1.5 }), 'ttlSeconds'],
    ['ttl too long', 'POST', '/holds', hold({ ttlSeconds: 86_400 }), 'ttlSeconds'],
    ['not JSON', 'POST', '/holds', '{"operation": ', 'body'],
    ['an array', 'POST', '/holds', '[]', 'body'],
    ['no body', 'POST', '/holds', undefined, 'body'],
    ['capture missing credits', 'POST', `/holds/${holdId}/capture`, {}, 'credits'],
    ['capture negative', 'POST', `/holds/${holdId}/capture`, { credits: -0.001 }, 'credits'],
    ['capture extra field', 'POST', `/holds/${holdId}/capture`, { credits: 1, force: true }, 'force'],
    ['debit description too long', 'POST', '/debits', { operation: 'custom_code', credits: 1, idempotencyKey: 'valid-key-123', description: 'x'.repeat(501) }, 'description'],
    ['debit description with NUL', 'POST', '/debits', { operation: 'custom_code', credits: 1, idempotencyKey: 'valid-key-123', description: 'a\u0000b' }, 'description'],
    ['debit description with a lone surrogate', 'POST', '/debits', '{"operation":"custom_code","credits":1,"idempotencyKey":"valid-key-123","description":"\\ud800"}', 'description'],
    ['debit unknown operation', 'POST', '/debits', { operation: 'x', credits: 1, idempotencyKey: 'valid-key-123' }, 'operation'],
    ['usage limit zero', 'GET', '/usage?limit=0', undefined, 'limit'],
    ['usage limit not a number', 'GET', '/usage?limit=ten', undefined, 'limit'],
    ['usage unknown parameter', 'GET', '/usage?order=asc', undefined, 'order'],
  ];

  it('refuses each malformed builder request with the field named and writes nothing', async () => {
    for (const [title, method, path, body, field] of builderCases()) {
      const before = await h.rowCounts(ws.id);
      const answer = await h.request(method, path, ws.token, body);
      assert.equal(answer.status, 400, `${title}: status ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'invalid_input', title);
      assert.equal(answer.body.error.field, field, `${title}: ${JSON.stringify(answer.body.error)}`);
      assert.match(answer.body.error.message, new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: `), title);
      assert.deepEqual(await h.rowCounts(ws.id), before, `${title} wrote something`);
    }
  });

  it('refuses each malformed admin request with the field named and writes nothing', async () => {
    const cases: Case[] = [
      ['add-on not a multiple of 100', 'POST', `/workspaces/${ws.id}/addons`, { credits: 150, reference: 'r-1' }, 'credits'],
      ['add-on with decimals', 'POST', `/workspaces/${ws.id}/addons`, { credits: 100.5, reference: 'r-1' }, 'credits'],
      ['add-on negative', 'POST', `/workspaces/${ws.id}/addons`, { credits: -100, reference: 'r-1' }, 'credits'],
      ['add-on without reference', 'POST', `/workspaces/${ws.id}/addons`, { credits: 100 }, 'reference'],
      ['license without builders', 'PUT', `/workspaces/${ws.id}/license`, { creditsPerBuilder: 1, cycleAnchorDay: 1 }, 'builders'],
      ['license anchor day 32', 'PUT', `/workspaces/${ws.id}/license`, { builders: 1, creditsPerBuilder: 1, cycleAnchorDay: 32 }, 'cycleAnchorDay'],
      ['license negative credits', 'PUT', `/workspaces/${ws.id}/license`, { builders: 1, creditsPerBuilder: -5, cycleAnchorDay: 1 }, 'creditsPerBuilder'],
      ['license fractional builders', 'PUT', `/workspaces/${ws.id}/license`, { builders: 1.5, creditsPerBuilder: 5, cycleAnchorDay: 1 }, 'builders'],
      ['token builder with spaces', 'POST', `/workspaces/${ws.id}/tokens`, { builder: 'a b' }, 'builder'],
    ];
    for (const [title, method, path, body, field] of cases) {
      const before = await h.rowCounts(ws.id);
      const answer = await h.admin(method, path, body);
      assert.equal(answer.status, 400, `${title}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.field, field, `${title}: ${JSON.stringify(answer.body.error)}`);
      assert.deepEqual(await h.rowCounts(ws.id), before, `${title} wrote something`);
    }
    const name = `never-${key()}`;
    for (const body of [{ name, timeZone: 'Mars/Olympus_Mons' }, { name: '' }, { name, extra: 1 }]) {
      const answer = await h.admin('POST', '/workspaces', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.ok(answer.body.error.field, JSON.stringify(answer.body));
    }
    assert.equal((await h.store.query('SELECT id FROM workspaces WHERE name = $1', [name])).length, 0);
  });

  it('refuses an oversized body with 413 before reading it', async () => {
    const before = await h.rowCounts(ws.id);
    const answer = await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 1, idempotencyKey: key(), description: 'x'.repeat(70_000) });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error.code, 'payload_too_large');
    assert.deepEqual(await h.rowCounts(ws.id), before);
  });

  it('refuses an oversized body over HTTP, whether its length is declared or it comes in chunks', async () => {
    const server = await listen(h.app);
    try {
      const before = await h.rowCounts(ws.id);
      const json = JSON.stringify({ operation: 'custom_code', credits: 1, idempotencyKey: key(), description: 'x'.repeat(70_000) });
      const headers = { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' };
      const declared = await fetch(`${server.origin}/api/v1/debits`, { method: 'POST', headers, body: json });
      const chunks = [json.slice(0, 30_000), json.slice(30_000)];
      const chunked = await fetch(`${server.origin}/api/v1/debits`, {
        method: 'POST',
        headers,
        body: new ReadableStream({ pull: (controller) => (chunks.length ? controller.enqueue(new TextEncoder().encode(chunks.shift())) : controller.close()) }),
        duplex: 'half',
      } as RequestInit);
      for (const answer of [declared, chunked]) {
        assert.equal(answer.status, 413);
        assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'payload_too_large');
      }
      assert.deepEqual(await h.rowCounts(ws.id), before);
      const small = await fetch(`${server.origin}/api/v1/debits`, { method: 'POST', headers, body: JSON.stringify({ operation: 'custom_code', credits: 1, idempotencyKey: key() }) });
      assert.equal(small.status, 201, 'a body under the limit with its length declared goes through');
    } finally {
      await server.close();
    }
  });

  it('answers 401 without a token or with an unknown one, 403 for a builder on admin routes', async () => {
    assert.equal((await h.request('GET', '/balance')).status, 401);
    assert.equal((await h.request('GET', '/balance', 'cct_nope')).status, 401);
    const malformed = await h.app.request('/api/v1/balance', { headers: { authorization: 'Basic abc' } });
    assert.equal(malformed.status, 401);
    assert.equal((await h.request('GET', '/balance', ADMIN_TOKEN)).status, 403);
    const asBuilder = await h.request('POST', '/admin/workspaces', ws.token, { name: 'x' });
    assert.equal(asBuilder.status, 403);
    assert.equal((await h.request('GET', '/balance', ws.token)).status, 200);
    await h.ledger.revokeToken(ws.token);
    assert.equal((await h.request('GET', '/balance', ws.token)).status, 401);
  });
});
