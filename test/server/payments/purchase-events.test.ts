import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EVENT_DATA } from '../../../src/contract/webhooks.js';
import { onEachStore } from '../support/stores.js';
import { StripeWorld } from '../support/stripe-world.js';
onEachStore('purchase.paid and purchase.failed reach the host', (kind) => {
  const world = StripeWorld.hooks(kind);
  async function workspaceWithEndpoint() {
    const ws = await world.h.workspace({ builders: 1 });
    await world.listen(ws.id, ['purchase.paid', 'purchase.failed']);
    return ws;
  }
  const deliver = (event: Record<string, any>) => world.deliver(event);
  const drain = () => world.drain();

  const sessionOf = (purchase: { checkoutUrl: string }) => purchase.checkoutUrl.split('/').pop()!;

  it('a paid session: the receiver verifies one purchase.paid, also when Stripe delivers the event again', async () => {
    const ws = await workspaceWithEndpoint();
    const purchase = (await world.h.request('POST', '/purchases', ws.token, { credits: 300 })).body;
    const event = world.fake.pay(sessionOf(purchase));
    await Promise.all([deliver(event), deliver(event), deliver(event)]);
    await deliver(event);
    await drain();
    const got = world.receiver.of(ws.id);
    assert.deepEqual(got.map((r) => [r.payload.type, r.verified]), [['purchase.paid', true]]);
    const data = EVENT_DATA['purchase.paid'].parse(got[0]!.payload.data);
    assert.deepEqual(
      [data.purchaseId, data.credits, data.amount, data.currency, data.source, data.reference],
      [purchase.id, 300, 3000, 'usd', 'checkout', sessionOf(purchase)],
    );
    const grant = (await world.h.request('GET', `/purchases/${purchase.id}`, ws.token)).body.grant;
    assert.equal(data.grantId, grant.id);
  });

  it('a failed asynchronous payment: one purchase.failed, none on the duplicate, none for an expiry', async () => {
    const ws = await workspaceWithEndpoint();
    const purchase = (await world.h.request('POST', '/purchases', ws.token, { credits: 200 })).body;
    await deliver(world.fake.pay(sessionOf(purchase), { async: true }));
    const failed = world.fake.settleAsync(sessionOf(purchase), false);
    await deliver(failed);
    await deliver(failed);
    const other = (await world.h.request('POST', '/purchases', ws.token, { credits: 100 })).body;
    await deliver(world.fake.expire(sessionOf(other)));
    await drain();
    const got = world.receiver.of(ws.id);
    assert.deepEqual(got.map((r) => [r.payload.type, r.verified]), [['purchase.failed', true]]);
    const data = EVENT_DATA['purchase.failed'].parse(got[0]!.payload.data);
    assert.deepEqual([data.purchaseId, data.credits, data.source, data.autoTopUpDisabled], [purchase.id, 200, 'checkout', false]);
  });
});
