import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, key } from '../support/harness.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { onEachStore } from '../support/stores.js';

const RACERS = 200;

onEachStore('concurrent holds racing for the last credits', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind);
  });
  after(() => h.close());

  it(`admits exactly as many of ${RACERS} holds as fit, never negative`, async () => {
    // 37 holds of 2.5 credits fit in 92.5 (monthly 42.5 + add-on 100 - 50 already spent).
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 42.5, addon: 100 });
    await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 50, idempotencyKey: key() });
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        h.request('POST', '/holds', ws.tokens[i % ws.tokens.length], { operation: 'custom_code', credits: 2.5, idempotencyKey: key() }),
      ),
    );
    const admitted = answers.filter((a) => a.status === 201).length;
    const refused = answers.filter((a) => a.status === 402).length;
    assert.equal(admitted, 37);
    assert.equal(refused, RACERS - 37);
    const balance = await h.request('GET', '/balance', ws.token);
    assert.equal(balance.body.total, 0);
    assert.equal(balance.body.held, 92.5);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('settles racing captures and voids of one hold exactly once', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    const hold = await h.request('POST', '/holds', ws.token, { operation: 'custom_code', credits: 10, idempotencyKey: key() });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? h.request('POST', `/holds/${hold.body.id}/void`, ws.token) : h.request('POST', `/holds/${hold.body.id}/capture`, ws.token, { credits: 3 }),
      ),
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 1);
    assert.equal(answers.filter((a) => a.status === 409).length, 19);
    assert.deepEqual(await h.audit(ws.id), []);
  });
});

describe('two server processes on one PostgreSQL', () => {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) return;
  const adminToken = `race-admin-${key()}`;
  let servers: ServerProcess[] = [];
  before(async () => {
    servers = await Promise.all(
      [0, 1].map(() => startServerProcess(['--database-url', databaseUrl], { CREDIT_CHAT_ADMIN_TOKEN: adminToken, CREDIT_CHAT_RATE_LIMIT: '0' })),
    );
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function call(url: string, method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it(`admit exactly K of ${RACERS} racing holds together`, async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const ws = (await call(a.url, 'POST', '/admin/workspaces', adminToken, { name: 'race' })).body.id as string;
    await call(b.url, 'PUT', `/admin/workspaces/${ws}/license`, adminToken, { builders: 3, creditsPerBuilder: 33.333, cycleAnchorDay: 1 });
    await call(a.url, 'POST', `/admin/workspaces/${ws}/addons`, adminToken, { credits: 100, reference: 'race' });
    const token = (await call(a.url, 'POST', `/admin/workspaces/${ws}/tokens`, adminToken, { builder: 'racer' })).body.token as string;
    // 199.999 credits fit 57 holds of 3.5 (199.5), not 58.
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        call(i % 2 ? a.url : b.url, 'POST', '/holds', token, { operation: 'custom_code', credits: 3.5, idempotencyKey: key() }),
      ),
    );
    assert.equal(answers.filter((x) => x.status === 201).length, 57);
    assert.equal(answers.filter((x) => x.status === 402).length, RACERS - 57);
    const balance = (await call(b.url, 'GET', '/balance', token)).body;
    assert.equal(balance.total, 0.499);
    assert.equal(balance.held, 199.5);
  });
});
