import assert from 'node:assert/strict';
import { after, before, beforeEach, it } from 'node:test';
import { EVENT_DATA } from '../../../src/contract/webhooks.js';
import { WebhookDelivery } from '../../../src/server/notifications/delivery.js';
import { FakeStripe } from '../../support/fake-stripe.js';
import { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

onEachStore('purchase.paid and purchase.failed reach the host', (kind) => {
  let fake: FakeStripe;
  let h: Harness;
  let receiver: WebhookReceiver;
  let delivery: WebhookDelivery;
  const made: [string, string][] = [];
  before(async () => {
    fake = await FakeStripe.start();
    h = await Harness.open(kind, { payments: fake.paymentsConfig() });
    receiver = await WebhookReceiver.start();
    delivery = new WebhookDelivery(h.store, { clock: h.clock, timeoutMs: 10_000 });
  });
  after(async () => {
    for (const [ws, hook] of made) await h.admin('DELETE', `/workspaces/${ws}/webhooks/${hook}`);
    await receiver.close();
    await h.close();
    await fake.close();
  });
  beforeEach(() => {
    // signatures carry the clock's time, and the receiver refuses one more than 5 minutes off its own
    h.clock.set(new Date());
    receiver.received.length = 0;
  });

  async function workspaceWithEndpoint() {
    const ws = await h.workspace({ builders: 1 });
    const created = await h.admin('POST', `/workspaces/${ws.id}/webhooks`, { url: receiver.url, events: ['purchase.paid', 'purchase.failed'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    made.push([ws.id, created.body.id]);
    receiver.secrets = [created.body.secret];
    return ws;
  }

  async function deliver(event: Record<string, any>) {
    const { payload, signature } = fake.signed(event);
    const response = await h.fetch('/api/v1/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    assert.equal(response.status, 200);
    return response.json();
  }

  async function drain() {
    while ((await delivery.deliverDue()) > 0);
  }

  const sessionOf = (purchase: { checkoutUrl: string }) => purchase.checkoutUrl.split('/').pop()!;

  it('a paid session: the receiver verifies one purchase.paid, also when Stripe delivers the event again', async () => {
    const ws = await workspaceWithEndpoint();
    const purchase = (await h.request('POST', '/purchases', ws.token, { credits: 300 })).body;
    const event = fake.pay(sessionOf(purchase));
    await Promise.all([deliver(event), deliver(event), deliver(event)]);
    await deliver(event);
    await drain();
    const got = receiver.of(ws.id);
    assert.deepEqual(got.map((r) => [r.payload.type, r.verified]), [['purchase.paid', true]]);
    const data = EVENT_DATA['purchase.paid'].parse(got[0]!.payload.data);
    assert.deepEqual(
      [data.purchaseId, data.credits, data.amount, data.currency, data.source, data.reference],
      [purchase.id, 300, 3000, 'usd', 'checkout', sessionOf(purchase)],
    );
    const grant = (await h.request('GET', `/purchases/${purchase.id}`, ws.token)).body.grant;
    assert.equal(data.grantId, grant.id);
  });

  it('a failed asynchronous payment: one purchase.failed, none on the duplicate, none for an expiry', async () => {
    const ws = await workspaceWithEndpoint();
    const purchase = (await h.request('POST', '/purchases', ws.token, { credits: 200 })).body;
    await deliver(fake.pay(sessionOf(purchase), { async: true }));
    const failed = fake.settleAsync(sessionOf(purchase), false);
    await deliver(failed);
    await deliver(failed);
    const other = (await h.request('POST', '/purchases', ws.token, { credits: 100 })).body;
    await deliver(fake.expire(sessionOf(other)));
    await drain();
    const got = receiver.of(ws.id);
    assert.deepEqual(got.map((r) => [r.payload.type, r.verified]), [['purchase.failed', true]]);
    const data = EVENT_DATA['purchase.failed'].parse(got[0]!.payload.data);
    assert.deepEqual([data.purchaseId, data.credits, data.source, data.autoTopUpDisabled], [purchase.id, 200, 'checkout', false]);
  });
});
