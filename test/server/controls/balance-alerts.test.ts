import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { Balance } from '../../../src/contract/ledger.js';
import { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

onEachStore('GET /balance: the thresholds crossed this cycle', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind);
  });
  after(() => h.close());

  const hold = (token: string, credits: number) => h.request('POST', '/holds', token, { operation: 'custom_code', credits, idempotencyKey: randomUUID() });
  async function alerts(token: string) {
    const answer = await h.request('GET', '/balance', token);
    assert.equal(answer.status, 200);
    return Balance.parse(answer.body).alerts!.map((a) => [a.kind, a.threshold, a.crossedAt]);
  }

  it('lists each crossed threshold once with when it was crossed, and none after a purchase lifts the pool', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100 });
    assert.deepEqual(await alerts(ws.token), []);
    const at = h.clock.now().toISOString();
    await hold(ws.token, 80);
    assert.deepEqual(await alerts(ws.token), [['monthly_percent', 75, at]]);
    await hold(ws.token, 20);
    assert.deepEqual(
      (await alerts(ws.token)).map(([k, t]) => [k, t]),
      [['depleted', 0], ['monthly_percent', 75], ['monthly_percent', 90], ['monthly_percent', 100]],
    );
    await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 100, reference: randomUUID() });
    assert.deepEqual(await alerts(ws.token), []);
  });
});
