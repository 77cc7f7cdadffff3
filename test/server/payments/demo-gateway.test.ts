import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

onEachStore('the offline demo gateway', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind, { payments: { pricePer100: 1000, currency: 'usd', maxCredits: 10_000 } });
  });
  after(() => h.close());

  const sessionPath = (checkoutUrl: string) => new URL(checkoutUrl).pathname;

  it('shows a payment page with the amount and the promo discount, and Pay completes through the signed webhook', async () => {
    const ws = await h.workspace({ builders: 1 });
    const created = await h.request('POST', '/purchases', ws.token, { credits: 500, promoCode: 'DEMO10' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.subtotal, created.body.discount, created.body.amount], [5000, 500, 4500]);
    const path = sessionPath(created.body.checkoutUrl);
    const page = await h.fetch(path);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /500 AI credits/);
    assert.match(html, /\$50\.00/);
    assert.match(html, /−\$5\.00/);
    assert.match(html, /Pay \$45\.00/);
    assert.match(page.headers.get('content-security-policy')!, /default-src 'none'; style-src 'sha256-/);

    const paid = await h.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=pay' });
    assert.equal(paid.status, 303);
    assert.equal(paid.headers.get('location'), `http://localhost/?credit_purchase=${created.body.id}`);
    const events = await h.store.query<{ type: string; outcome: string }>('SELECT type, outcome FROM payment_events WHERE purchase_id = $1', [created.body.id]);
    assert.deepEqual(events, [{ type: 'checkout.session.completed', outcome: 'paid' }]);
    assert.equal((await h.request('GET', '/balance', ws.token)).body.addon.available, 500);
    // paying again changes nothing
    await h.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=pay' });
    assert.equal((await h.request('GET', '/balance', ws.token)).body.addon.available, 500);
    assert.match(await (await h.fetch(path)).text(), /This checkout is paid/);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('Cancel expires the purchase and returns to the host page saying so', async () => {
    const ws = await h.workspace({ builders: 1 });
    const created = (await h.request('POST', '/purchases', ws.token, { credits: 100 })).body;
    const cancelled = await h.fetch(sessionPath(created.checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=cancel' });
    assert.equal(cancelled.status, 303);
    assert.match(cancelled.headers.get('location')!, /credit_purchase_cancelled=1/);
    assert.equal((await h.request('GET', `/purchases/${created.id}`, ws.token)).body.status, 'expired');
    assert.equal((await h.request('GET', '/balance', ws.token)).body.addon.available, 0);
  });

  it('an unknown session is 404 and a promo code the demo does not know is 400', async () => {
    assert.equal((await h.fetch('/api/v1/demo-checkout/cs_demo_00000000000000000000000000000000')).status, 404);
    const ws = await h.workspace({ builders: 1 });
    const refused = await h.request('GET', '/purchases/quote?credits=100&promoCode=NOPE', ws.token);
    assert.deepEqual([refused.status, refused.body.error.field], [400, 'promoCode']);
  });
});
