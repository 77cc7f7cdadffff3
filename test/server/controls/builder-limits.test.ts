import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { cycleWindow } from '../../../src/server/ledger/cycle.js';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

const RACERS = 200;

onEachStore('per-builder limits', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind);
  });
  after(() => h.close());

  const hold = (token: string, credits: number, idempotencyKey = key(), ttlSeconds?: number) =>
    h.request('POST', '/holds', token, { operation: 'custom_code', credits, idempotencyKey, ...(ttlSeconds ? { ttlSeconds } : {}) });
  const limitOf = async (token: string) => (await h.request('GET', '/balance', token)).body.builderLimit;

  /** The books agree, and what the ledger counts per builder is what its receipts and holds say. */
  async function checkBooks(workspaceId: string) {
    assert.deepEqual(await h.audit(workspaceId), []);
    const counted = await h.store.query<{ builder: string; used: number }>(
      `SELECT builder, used FROM builder_spend WHERE workspace_id = $1 AND period = cc_spend_period($1) AND used > 0 ORDER BY builder`,
      [workspaceId],
    );
    const recomputed = await h.store.query<{ builder: string; used: number }>(
      'SELECT builder, used FROM cc_builder_usage($1, cc_spend_period($1)) ORDER BY builder',
      [workspaceId],
    );
    assert.deepEqual(counted.map((r) => [r.builder, Number(r.used)]), recomputed.map((r) => [r.builder, Number(r.used)]));
  }

  it(`admits exactly as many of ${RACERS} concurrent holds as fit a builder's block limit, while another builder still spends`, async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 500 });
    const set = await h.admin('PUT', `/workspaces/${ws.id}/builders/builder-1/limit`, { credits: 100, mode: 'block' });
    assert.deepEqual(set.body, { builder: 'builder-1', limit: { credits: 100, mode: 'block', source: 'override' }, used: 0 });
    const [limited, other] = ws.tokens as [string, string];
    // 66 holds of 1.5 fit in 100 (99), the 67th does not
    const answers = await Promise.all([
      ...Array.from({ length: RACERS }, () => hold(limited, 1.5)),
      ...Array.from({ length: 50 }, () => hold(other, 2)),
    ]);
    const mine = answers.slice(0, RACERS);
    assert.equal(mine.filter((a) => a.status === 201).length, 66);
    const refused = mine.filter((a) => a.status === 402);
    assert.equal(refused.length, RACERS - 66);
    for (const answer of refused) {
      assert.equal(answer.body.error.code, 'builder_limit_reached');
      assert.equal(answer.body.error.limit, 100);
      assert.equal(answer.body.error.used, 99);
      assert.equal(answer.body.error.needed, 1.5);
    }
    assert.ok(answers.slice(RACERS).every((a) => a.status === 201));
    assert.deepEqual(await limitOf(limited), { credits: 100, used: 99, mode: 'block' });
    assert.equal(await limitOf(other), null);
    assert.equal((await hold(other, 100)).status, 201);

    const events = await h.store.query<{ data: any }>("SELECT data FROM outbox_events WHERE workspace_id = $1 AND type = 'builder.limit_reached'", [ws.id]);
    assert.deepEqual(events.map((e) => e.data), [{ workspaceId: ws.id, builder: 'builder-1', mode: 'block', limit: 100, used: 99, refused: 1.5 }]);
    await checkBooks(ws.id);
    const totals = await h.totals(ws.id);
    assert.equal(totals.granted, totals.captured + totals.expired + totals.held + totals.available);
  });

  it('keeps a refused key refused, even after the limit is raised', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100 });
    await h.admin('PUT', `/workspaces/${ws.id}/builder-limits`, { default: { credits: 10, mode: 'block' } });
    const refusedKey = key();
    assert.equal((await hold(ws.token, 11, refusedKey)).body.error.code, 'builder_limit_reached');
    await h.admin('PUT', `/workspaces/${ws.id}/builder-limits`, { default: { credits: 50, mode: 'block' } });
    const replay = await hold(ws.token, 11, refusedKey);
    assert.equal(replay.status, 402);
    assert.deepEqual([replay.body.error.code, replay.body.error.used, replay.body.error.limit], ['builder_limit_reached', 0, 10]);
    assert.equal((await hold(ws.token, 11)).status, 201);
    await checkBooks(ws.id);
  });

  it('counts captured + held: a capture gives back what it did not take, a void or an expired hold all of it', async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 100 });
    const limits = await h.admin('PUT', `/workspaces/${ws.id}/builder-limits`, { default: { credits: 30, mode: 'block' } });
    assert.deepEqual(limits.body.default, { credits: 30, mode: 'block' });
    const first = await hold(ws.token, 20);
    assert.equal((await hold(ws.token, 15)).body.error.used, 20);
    await h.request('POST', `/holds/${first.body.id}/capture`, ws.token, { credits: 5 });
    assert.deepEqual(await limitOf(ws.token), { credits: 30, used: 5, mode: 'block' });
    const second = await hold(ws.token, 15);
    assert.equal(second.status, 201);
    await h.request('POST', `/holds/${second.body.id}/void`, ws.token);
    await hold(ws.token, 20, key(), 60);
    assert.equal((await limitOf(ws.token)).used, 25);
    h.clock.advance(61_000);
    assert.equal((await limitOf(ws.token)).used, 5);
    const debit = await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 25, idempotencyKey: key() });
    assert.equal(debit.status, 201);
    assert.equal((await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 0.001, idempotencyKey: key() })).body.error.code, 'builder_limit_reached');
    // the other builder has a limit of its own
    assert.deepEqual(await limitOf(ws.tokens[1]!), { credits: 30, used: 0, mode: 'block' });
    await checkBooks(ws.id);
  });

  it('alerts once per cycle in alert mode and lets the holds through; a new cycle starts from zero', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100, cycleAnchorDay: 1 });
    await h.admin('PUT', `/workspaces/${ws.id}/builders/builder-1/limit`, { credits: 10, mode: 'alert' });
    for (const credits of [6, 6, 6]) assert.equal((await hold(ws.token, credits)).status, 201);
    const reached = () => h.store.query<{ data: any }>("SELECT data FROM outbox_events WHERE workspace_id = $1 AND type = 'builder.limit_reached'", [ws.id]);
    assert.deepEqual((await reached()).map((e) => e.data), [{ workspaceId: ws.id, builder: 'builder-1', mode: 'alert', limit: 10, used: 12, refused: null }]);
    assert.deepEqual(await limitOf(ws.token), { credits: 10, used: 18, mode: 'alert' });

    h.clock.set(cycleWindow(h.clock.now(), 1, 'UTC').end);
    assert.deepEqual(await limitOf(ws.token), { credits: 10, used: 0, mode: 'alert' });
    assert.equal((await hold(ws.token, 10)).status, 201);
    assert.equal((await reached()).length, 2);
    await checkBooks(ws.id);
  });

  it("counts what a builder used before limits came on, and stops counting when they go", async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 100 });
    await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 40, idempotencyKey: key() });
    const pending = await hold(ws.token, 10);
    await hold(ws.tokens[1]!, 7);
    const view = await h.admin('GET', `/workspaces/${ws.id}/builder-limits`);
    assert.deepEqual(view.body, {
      workspaceId: ws.id,
      default: null,
      builders: [
        { builder: 'builder-1', limit: null, used: 50 },
        { builder: 'builder-2', limit: null, used: 7 },
      ],
    });
    await h.admin('PUT', `/workspaces/${ws.id}/builders/builder-1/limit`, { credits: 50, mode: 'block' });
    assert.equal((await hold(ws.token, 1)).body.error.code, 'builder_limit_reached');
    await h.request('POST', `/holds/${pending.body.id}/void`, ws.token);
    assert.equal((await hold(ws.token, 1)).status, 201);
    await checkBooks(ws.id);

    const removed = await h.admin('DELETE', `/workspaces/${ws.id}/builders/builder-1/limit`);
    assert.deepEqual(removed.body, { builder: 'builder-1', limit: null, used: 41 });
    assert.equal(await limitOf(ws.token), null);
    assert.equal((await hold(ws.token, 30)).status, 201);
    assert.equal((await h.admin('DELETE', `/workspaces/${ws.id}/builders/builder-1/limit`)).status, 404);
    // on again: counted afresh
    await h.admin('PUT', `/workspaces/${ws.id}/builder-limits`, { default: { credits: 1000, mode: 'alert' } });
    assert.deepEqual(await limitOf(ws.token), { credits: 1000, used: 71, mode: 'alert' });
    await checkBooks(ws.id);
  });

  it('validates limits, naming the field', async () => {
    const ws = await h.workspace({ builders: 1 });
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/builder-limits', {}, 'default'],
      ['PUT', '/builder-limits', { default: { credits: 10 } }, 'default.mode'],
      ['PUT', '/builder-limits', { default: { credits: -1, mode: 'block' } }, 'default.credits'],
      ['PUT', '/builders/builder-1/limit', { credits: 10, mode: 'soft' }, 'mode'],
      ['PUT', '/builders/builder-1/limit', { credits: 1.0001, mode: 'block' }, 'credits'],
      ['PUT', '/builders/builder-1/limit', { credits: 10, mode: 'block', extra: 1 }, 'extra'],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await h.admin(method, `/workspaces/${ws.id}${path}`, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.field, field);
    }
    assert.equal((await h.admin('PUT', `/workspaces/${ws.id}/builders/no%20spaces/limit`, { credits: 1, mode: 'block' })).status, 404);
    assert.equal((await h.admin('PUT', '/workspaces/ws_nope/builders/a/limit', { credits: 1, mode: 'block' })).status, 404);
    assert.equal((await h.admin('GET', '/workspaces/ws_nope/builder-limits')).status, 404);
    assert.equal((await h.request('PUT', `/admin/workspaces/${ws.id}/builder-limits`, ws.token, { default: null })).status, 403);
    // a builder's id with the characters tokens allow
    const odd = await h.admin('PUT', `/workspaces/${ws.id}/builders/${encodeURIComponent('ana.b@x-y')}/limit`, { credits: 5, mode: 'alert' });
    assert.deepEqual(odd.body, { builder: 'ana.b@x-y', limit: { credits: 5, mode: 'alert', source: 'override' }, used: 0 });
  });
});
