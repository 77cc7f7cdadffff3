import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

onEachStore('license changes mid-cycle', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind);
  });
  after(() => h.close());

  async function balance(token: string) {
    return (await h.request('GET', '/balance', token)).body;
  }

  it('a raise grants the prorated difference at once; the next cycle opens at the new size', async () => {
    h.clock.set('2026-11-01T00:00:00.000Z');
    const ws = await h.workspace({ builders: 10, creditsPerBuilder: 100, cycleAnchorDay: 1 });
    const spent = await h.request('POST', '/debits', ws.token, { operation: 'app_generation', credits: 250, idempotencyKey: key() });
    assert.equal(spent.status, 201);
    h.clock.set('2026-11-21T00:00:00.000Z'); // 10 of 30 days left
    const raised = await h.admin('PUT', `/workspaces/${ws.id}/license`, { builders: 12, creditsPerBuilder: 100, cycleAnchorDay: 1 });
    assert.equal(raised.status, 200);
    assert.deepEqual(raised.body.change, { effective: 'now', prorated: 66.666 });
    const now = await balance(ws.token);
    assert.deepEqual(now.monthly, { allocated: 1066.666, available: 816.666, renewsAt: '2026-12-01T00:00:00.000Z' });
    const license = (await h.request('GET', '/license', ws.token)).body;
    assert.deepEqual([license.builders, license.creditsPerBuilder], [12, 100]);
    assert.deepEqual(license.cycle, { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' });
    assert.deepEqual(license.changes[0], {
      at: '2026-11-21T00:00:00.000Z',
      from: { builders: 10, creditsPerBuilder: 100 },
      to: { builders: 12, creditsPerBuilder: 100 },
      effective: 'now',
      prorated: 66.666,
    });
    h.clock.set('2026-12-01T00:00:00.000Z');
    assert.equal((await balance(ws.token)).monthly.allocated, 1200);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('more credits per builder is a raise too; a cut waits for the next cycle, even before the cycle was opened', async () => {
    h.clock.set('2026-11-16T00:00:00.000Z'); // 15 of 30 days left
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 50, cycleAnchorDay: 1 });
    const more = await h.admin('PUT', `/workspaces/${ws.id}/license`, { builders: 2, creditsPerBuilder: 80, cycleAnchorDay: 1 });
    assert.deepEqual(more.body.change, { effective: 'now', prorated: 30 });
    assert.equal((await balance(ws.token)).monthly.allocated, 130);

    const other = await h.workspace({ builders: 4, creditsPerBuilder: 50, cycleAnchorDay: 1 });
    // nobody has used the workspace this cycle: its monthly grant opens at the old size first
    const cut = await h.admin('PUT', `/workspaces/${other.id}/license`, { builders: 1, creditsPerBuilder: 50, cycleAnchorDay: 1 });
    assert.deepEqual(cut.body.change, { effective: 'next_cycle', prorated: 0 });
    assert.equal((await balance(other.token)).monthly.allocated, 200);
    h.clock.set('2026-12-01T00:00:00.000Z');
    assert.equal((await balance(other.token)).monthly.allocated, 50);
    assert.deepEqual(await h.audit(ws.id), []);
    assert.deepEqual(await h.audit(other.id), []);
  });

  it('the first license grants no proration: its first cycle opens whole', async () => {
    h.clock.set('2026-11-16T00:00:00.000Z');
    const created = await h.admin('POST', '/workspaces', { name: 'fresh' });
    const first = await h.admin('PUT', `/workspaces/${created.body.id}/license`, { builders: 1, creditsPerBuilder: 30, cycleAnchorDay: 1 });
    assert.equal(first.body.change, null);
    const token = (await h.admin('POST', `/workspaces/${created.body.id}/tokens`, { builder: 'b' })).body.token;
    assert.equal((await balance(token)).monthly.allocated, 30);
  });
});
