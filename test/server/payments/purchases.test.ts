import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { openPgliteStore } from '../../../src/server/store/pglite.js';
import { FakeStripe } from '../../support/fake-stripe.js';
import { Harness } from '../support/harness.js';
import { onEachStore, STORES, type StoreKind } from '../support/stores.js';

onEachStore('purchases through Stripe Checkout', (kind) => {
  let fake: FakeStripe;
  let h: Harness;
  before(async () => {
    fake = await FakeStripe.start();
    h = await Harness.open(kind, { payments: fake.paymentsConfig() });
  });
  after(async () => {
    await h.close();
    await fake.close();
  });

  async function deliver(event: Record<string, any>, options: { secret?: string } = {}) {
    const { payload, signature } = fake.signed(event, options);
    const response = await h.fetch('/api/v1/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    return { status: response.status, body: await response.json() };
  }

  async function buy(token: string, credits = 300, extra: Record<string, unknown> = {}) {
    const created = await h.request('POST', '/purchases', token, { credits, ...extra });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  const sessionOf = (purchase: { checkoutUrl: string }) => purchase.checkoutUrl.split('/').pop()!;

  async function addon(token: string) {
    return (await h.request('GET', '/balance', token)).body.addon.available as number;
  }

  async function expectBooksBalanced(workspaceId: string) {
    assert.deepEqual(await h.audit(workspaceId), []);
    const t = await h.totals(workspaceId);
    assert.equal(t.granted, t.captured + t.expired + t.held + t.available);
  }

  it('refuses 150 credits with 400 naming credits, and more than the maximum, writing nothing', async () => {
    const ws = await h.workspace({ builders: 1 });
    const before = await h.rowCounts(ws.id);
    for (const credits of [150, 0, 99, 100.5, 10_100]) {
      const refused = await h.request('POST', '/purchases', ws.token, { credits });
      assert.equal(refused.status, 400, `credits ${credits}`);
      assert.equal(refused.body.error.field, 'credits');
    }
    assert.deepEqual(await h.rowCounts(ws.id), before);
    assert.equal(fake.requests.filter((r) => r.path === '/v1/checkout/sessions').length, 0);
  });

  it('opens a Checkout session priced per 100 credits with the purchase as client_reference_id', async () => {
    const ws = await h.workspace({ builders: 1 });
    const purchase = await buy(ws.token, 300, { returnUrl: 'http://localhost/editor?x=1' });
    assert.deepEqual(
      [purchase.status, purchase.credits, purchase.amount, purchase.currency, purchase.grant],
      ['pending', 300, 3000, 'usd', null],
    );
    const request = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions').at(-1)!;
    assert.equal(request.params.mode, 'payment');
    assert.equal(request.params.client_reference_id, purchase.id);
    assert.deepEqual(request.params.line_items, [
      { quantity: '3', price_data: { currency: 'usd', unit_amount: '1000', product_data: { name: '100 AI credits (add-on, valid one year)' } } },
    ]);
    assert.match(request.params.success_url, new RegExp(`^http://localhost/editor\\?x=1&credit_purchase=${purchase.id}$`));
    assert.match(request.params.cancel_url, /credit_purchase_cancelled=1/);
    assert.ok(request.headers['idempotency-key']);
    assert.equal(fake.session(sessionOf(purchase)).url, purchase.checkoutUrl);
  });

  it('a paid session adds exactly 300 add-on credits once, however often the event is delivered', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 50 });
    const purchase = await buy(ws.token);
    const event = fake.pay(sessionOf(purchase));
    const first = await deliver(event);
    assert.deepEqual([first.status, first.body.status, first.body.duplicate], [200, 'paid', false]);
    // again, and several at once
    const again = await Promise.all([deliver(event), deliver(event), deliver(event), deliver(event)]);
    for (const a of again) assert.deepEqual([a.status, a.body.duplicate], [200, true]);
    assert.equal(await addon(ws.token), 300);
    const listed = (await h.request('GET', '/purchases', ws.token)).body.purchases;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].status, 'paid');
    assert.equal(listed[0].checkoutUrl, null);
    assert.equal(listed[0].grant.credits, 300);
    assert.equal(listed[0].grant.validUntil, '2027-11-21T10:00:00.000Z');
    const grants = await h.store.query<{ reference: string; granted: number }>("SELECT reference, granted FROM grants WHERE workspace_id = $1 AND pool = 'addon'", [ws.id]);
    assert.deepEqual(grants.map((g) => [g.reference, Number(g.granted)]), [[sessionOf(purchase), 300_000]]);
    await expectBooksBalanced(ws.id);
  });

  it('a session paid later (async_payment_succeeded) adds the credits then, once', async () => {
    const ws = await h.workspace({ builders: 1 });
    const purchase = await buy(ws.token, 500);
    const completed = await deliver(fake.pay(sessionOf(purchase), { async: true }));
    assert.equal(completed.body.status, 'pending');
    assert.equal(await addon(ws.token), 0);
    const succeeded = fake.settleAsync(sessionOf(purchase), true);
    assert.equal((await deliver(succeeded)).body.status, 'paid');
    await deliver(succeeded);
    assert.equal(await addon(ws.token), 500);
    await expectBooksBalanced(ws.id);
  });

  it('a failed asynchronous payment marks the purchase failed and adds nothing', async () => {
    const ws = await h.workspace({ builders: 1 });
    const purchase = await buy(ws.token);
    await deliver(fake.pay(sessionOf(purchase), { async: true }));
    const failed = await deliver(fake.settleAsync(sessionOf(purchase), false));
    assert.equal(failed.body.status, 'failed');
    const got = await h.request('GET', `/purchases/${purchase.id}`, ws.token);
    assert.deepEqual([got.body.status, got.body.grant], ['failed', null]);
    assert.equal(await addon(ws.token), 0);
  });

  it('an expired session marks the purchase expired and adds nothing', async () => {
    const ws = await h.workspace({ builders: 1 });
    const purchase = await buy(ws.token);
    assert.equal((await deliver(fake.expire(sessionOf(purchase)))).body.status, 'expired');
    assert.equal((await h.request('GET', `/purchases/${purchase.id}`, ws.token)).body.status, 'expired');
    assert.equal(await addon(ws.token), 0);
  });

  it('out of order: paid first, then an unpaid completion and an expiry, stays paid with one grant', async () => {
    const ws = await h.workspace({ builders: 1 });
    const purchase = await buy(ws.token);
    const session = sessionOf(purchase);
    const completedUnpaid = fake.pay(session, { async: true });
    const succeeded = fake.settleAsync(session, true);
    const expired = fake.event('checkout.session.expired', { ...fake.session(session), status: 'expired', payment_status: 'unpaid' });
    assert.equal((await deliver(succeeded)).body.status, 'paid');
    assert.equal((await deliver(completedUnpaid)).body.status, 'paid');
    assert.equal((await deliver(expired)).body.status, 'paid');
    assert.equal((await deliver(succeeded)).body.duplicate, true);
    assert.equal(await addon(ws.token), 300);
    await expectBooksBalanced(ws.id);
  });

  it('a bad signature is 400 and writes nothing', async () => {
    const ws = await h.workspace({ builders: 1 });
    const purchase = await buy(ws.token);
    const event = fake.pay(sessionOf(purchase));
    const before = await h.rowCounts(ws.id);
    const events = async () => Number((await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_events'))[0]!.n);
    const eventsBefore = await events();
    const wrongSecret = await deliver(event, { secret: 'whsec_not_the_secret' });
    assert.equal(wrongSecret.status, 400);
    assert.equal(wrongSecret.body.error.field, 'Stripe-Signature');
    // a genuine signature over another payload
    const { signature } = fake.signed(event);
    const tampered = JSON.stringify({ ...event, data: { object: { ...event.data.object, client_reference_id: 'pur_other' } } });
    const forged = await h.fetch('/api/v1/webhooks/stripe', { method: 'POST', headers: { 'stripe-signature': signature }, body: tampered });
    assert.equal(forged.status, 400);
    const unsigned = await h.fetch('/api/v1/webhooks/stripe', { method: 'POST', body: JSON.stringify(event) });
    assert.equal(unsigned.status, 400);
    assert.deepEqual(await h.rowCounts(ws.id), before);
    assert.equal(await events(), eventsBefore);
    assert.equal((await h.request('GET', `/purchases/${purchase.id}`, ws.token)).body.status, 'paid', 'the success redirect still asks Stripe');
  });

  it('the success redirect fulfils a paid session before its webhook, and the webhook adds nothing more', async () => {
    const ws = await h.workspace({ builders: 1 });
    const purchase = await buy(ws.token, 200);
    const event = fake.pay(sessionOf(purchase));
    const polled = await h.request('GET', `/purchases/${purchase.id}`, ws.token);
    assert.deepEqual([polled.body.status, polled.body.grant.credits], ['paid', 200]);
    assert.equal((await deliver(event)).body.status, 'paid');
    assert.equal(await addon(ws.token), 200);
    await expectBooksBalanced(ws.id);
  });

  it('checks promotion codes with Stripe: the discount is shown and applied; an unknown code is 400 naming promoCode', async () => {
    fake.addPromotionCode('SPRING25', { percentOff: 25 });
    fake.addPromotionCode('FIVEOFF', { amountOff: 500, currency: 'usd' });
    fake.addPromotionCode('OLD', { percentOff: 50 }, false);
    const ws = await h.workspace({ builders: 1 });
    const q = await h.request('GET', '/purchases/quote?credits=1000&promoCode=SPRING25', ws.token);
    assert.deepEqual(q.body, { credits: 1000, currency: 'usd', subtotal: 10000, discount: 2500, amount: 7500, promoCode: { code: 'SPRING25', description: '25% off' }, maxCredits: 10_000 });
    const five = await h.request('GET', '/purchases/quote?credits=100&promoCode=FIVEOFF', ws.token);
    assert.deepEqual([five.body.amount, five.body.promoCode.description], [500, '5.00 USD off']);
    for (const code of ['OLD', 'NOPE']) {
      const refused = await h.request('GET', `/purchases/quote?credits=100&promoCode=${code}`, ws.token);
      assert.deepEqual([refused.status, refused.body.error.field], [400, 'promoCode']);
    }
    const purchase = await buy(ws.token, 1000, { promoCode: 'SPRING25' });
    assert.deepEqual([purchase.subtotal, purchase.discount, purchase.amount, purchase.promoCode], [10000, 2500, 7500, 'SPRING25']);
    const session = fake.session(sessionOf(purchase));
    assert.equal(session.discounts.length, 1);
    assert.equal(session.amount_total, 7500);
    const refused = await h.request('POST', '/purchases', ws.token, { credits: 100, promoCode: 'NOPE' });
    assert.deepEqual([refused.status, refused.body.error.field], [400, 'promoCode']);
  });

  it('who may buy: a workspace can allow only builders whose token carries the billing role', async () => {
    const ws = await h.workspace({ builders: 1 });
    const set = await h.admin('PUT', `/workspaces/${ws.id}/purchase-settings`, { whoMayBuy: 'billing_role' });
    assert.equal(set.status, 200);
    const refused = await h.request('POST', '/purchases', ws.token, { credits: 100 });
    assert.equal(refused.status, 403);
    const billing = (await h.admin('POST', `/workspaces/${ws.id}/tokens`, { builder: 'owner', roles: ['billing'] })).body.token;
    assert.equal((await h.request('POST', '/purchases', billing, { credits: 100 })).status, 201);
    const badRole = await h.admin('POST', `/workspaces/${ws.id}/tokens`, { builder: 'x', roles: ['root'] });
    assert.deepEqual([badRole.status, badRole.body.error.field], [400, 'roles[0]']);
  });

  it('a purchase of another workspace is 404, and its event cannot be steered to another purchase', async () => {
    const a = await h.workspace({ builders: 1 });
    const b = await h.workspace({ builders: 1 });
    const purchase = await buy(a.token);
    assert.equal((await h.request('GET', `/purchases/${purchase.id}`, b.token)).status, 404);
    const other = await buy(b.token);
    // a genuine event of session A naming B's purchase: the session does not match, nothing moves
    const event = fake.pay(sessionOf(purchase));
    event.data.object.client_reference_id = other.id;
    assert.equal((await deliver(event)).body.ignored, 'unknown purchase');
    assert.equal(await addon(b.token), 0);
  });

  it('refuses a returnUrl on a foreign origin', async () => {
    const ws = await h.workspace({ builders: 1 });
    const refused = await h.request('POST', '/purchases', ws.token, { credits: 100, returnUrl: 'https://evil.example/' });
    assert.deepEqual([refused.status, refused.body.error.field], [400, 'returnUrl']);
  });
});

// A replay after a restart: the event's id and the grant's reference live in the database
// (PGlite in a data directory, and PostgreSQL when DATABASE_URL is set).
let dataDir = '';
const restartable: StoreKind[] = [{ name: 'pglite', open: () => openPgliteStore(dataDir) }, ...STORES.filter((k) => k.name === 'postgres')];
for (const kind of restartable) {
  it(`a webhook replayed after the server restarts adds nothing [${kind.name}]`, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'credit-chat-replay-'));
    const fake = await FakeStripe.start();
    try {
      let h = await Harness.open(kind, { payments: fake.paymentsConfig() });
      const ws = await h.workspace({ builders: 1 });
      const purchase = (await h.request('POST', '/purchases', ws.token, { credits: 300 })).body;
      const { payload, signature } = fake.signed(fake.pay(purchase.checkoutUrl.split('/').pop()));
      const post = (harness: Harness) =>
        harness.fetch('/api/v1/webhooks/stripe', { method: 'POST', headers: { 'stripe-signature': signature }, body: payload });
      assert.equal((await post(h)).status, 200);
      await h.close();
      h = await Harness.open(kind, { payments: fake.paymentsConfig() });
      const replay = await post(h);
      assert.equal(replay.status, 200);
      assert.equal((await replay.json()).duplicate, true);
      assert.equal((await h.request('GET', '/balance', ws.token)).body.addon.available, 300);
      assert.deepEqual(await h.audit(ws.id), []);
      await h.close();
    } finally {
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
