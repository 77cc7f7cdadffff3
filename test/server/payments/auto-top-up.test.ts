import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { EVENT_DATA } from '../../../src/contract/webhooks.js';
import { DEMO_DECLINING_CARD } from '../../../src/server/payments/demo-gateway.js';
import { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { StripeWorld } from '../support/stripe-world.js';

const RACERS = 200;

onEachStore('auto top-up with a saved card (Stripe)', (kind) => {
  const world = StripeWorld.hooks(kind);
  const deliver = (event: Record<string, any>) => world.deliver(event);
  const drain = () => world.drain();

  /** A workspace with 200 monthly credits, a webhook endpoint, a card saved through Checkout in setup mode, auto top-up on. */
  async function workspace(options: { declines?: boolean; maxPerCycle?: number } = {}) {
    const ws = await world.h.workspace({ builders: 4, creditsPerBuilder: 50 });
    await world.listen(ws.id);
    const setup = await world.h.request('POST', '/auto-top-up/setup', ws.token, { returnUrl: 'http://localhost/editor' });
    assert.equal(setup.status, 201, JSON.stringify(setup.body));
    assert.equal(setup.body.saved, false);
    const session = world.fake.session(setup.body.url.split('/').pop()!);
    assert.deepEqual([session.mode, session.client_reference_id, world.fake.customers.has(session.customer)], ['setup', ws.id, true]);
    const saved = await deliver(world.fake.completeSetup(session.id, { declines: options.declines }));
    assert.equal(saved.saved, true);
    const set = await world.h.admin('PUT', `/workspaces/${ws.id}/auto-top-up`, { enabled: true, threshold: 50, credits: 300, maxPerCycle: options.maxPerCycle ?? 2 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.paymentMethod.provider, 'stripe');
    return ws;
  }

  const hold = (token: string, credits: number) =>
    world.h.request('POST', '/holds', token, { operation: 'custom_code', credits, idempotencyKey: randomUUID() });
  const intentsOf = (workspaceId: string) => [...world.fake.paymentIntents.values()].filter((pi) => pi.metadata.workspace_id === workspaceId);
  const addon = async (token: string) => (await world.h.request('GET', '/balance', token)).body.addon.available as number;
  async function expectBooksBalanced(workspaceId: string) {
    assert.deepEqual(await world.h.audit(workspaceId), []);
    const t = await world.h.totals(workspaceId);
    assert.equal(t.granted, t.captured + t.expired + t.held + t.available);
  }

  it('is off by default, and refuses credits that are not a multiple of 100 naming the field', async () => {
    const ws = await world.h.workspace({ builders: 1 });
    const got = await world.h.admin('GET', `/workspaces/${ws.id}/auto-top-up`);
    assert.deepEqual([got.status, got.body.enabled, got.body.paymentMethod], [200, false, null]);
    for (const [field, body] of [
      ['credits', { enabled: true, threshold: 10, credits: 150, maxPerCycle: 1 }],
      ['maxPerCycle', { enabled: true, threshold: 10, credits: 100, maxPerCycle: 0 }],
      ['threshold', { enabled: true, threshold: -1, credits: 100, maxPerCycle: 1 }],
    ] as const) {
      const refused = await world.h.admin('PUT', `/workspaces/${ws.id}/auto-top-up`, body);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.field, field);
    }
    assert.equal((await world.h.admin('GET', `/workspaces/${ws.id}/auto-top-up`)).body.enabled, false);
  });

  it(`${RACERS} racing holds cross the threshold once: one charge, one grant, purchase.paid and credits.recovered`, async () => {
    const ws = await workspace();
    const answers = await Promise.all(Array.from({ length: RACERS }, (_, i) => hold(ws.tokens[i % 4]!, 1)));
    assert.equal(answers.filter((a) => a.status === 201).length, RACERS);
    // two workers at once: one charge
    await Promise.all([world.h.autoTopUp!.chargeDue(), world.h.autoTopUp!.chargeDue()]);
    const intents = intentsOf(ws.id);
    assert.equal(intents.length, 1);
    assert.deepEqual([intents[0]!.amount, intents[0]!.currency, intents[0]!.status], [3000, 'usd', 'succeeded']);
    assert.equal(world.fake.requests.filter((r) => r.path === '/v1/payment_intents' && r.params.metadata?.workspace_id === ws.id)[0]!.headers['idempotency-key'], `topup-${intents[0]!.metadata.topup_request}`);
    assert.equal(await addon(ws.token), 300);
    const grants = await world.h.store.query<{ reference: string }>("SELECT reference FROM grants WHERE workspace_id = $1 AND pool = 'addon'", [ws.id]);
    assert.deepEqual(grants.map((g) => g.reference), [intents[0]!.id]);
    await drain();
    const types = world.receiver.of(ws.id).map((r) => r.payload.type);
    assert.equal(types.filter((t) => t === 'purchase.paid').length, 1);
    assert.equal(types.filter((t) => t === 'credits.recovered').length, 1);
    assert.ok(world.receiver.of(ws.id).every((r) => r.verified));
    const paid = EVENT_DATA['purchase.paid'].parse(world.receiver.of(ws.id).find((r) => r.payload.type === 'purchase.paid')!.payload.data);
    assert.deepEqual([paid.source, paid.reference, paid.credits, paid.amount], ['auto_top_up', intents[0]!.id, 300, 3000]);
    const listed = (await world.h.request('GET', '/purchases', ws.token)).body.purchases;
    assert.deepEqual(listed.map((p: any) => [p.status, p.credits]), [['paid', 300]]);
    await expectBooksBalanced(ws.id);
  });

  it('at most maxPerCycle automatic purchases in a cycle', async () => {
    const ws = await workspace({ maxPerCycle: 2 });
    assert.equal((await hold(ws.token, 151)).status, 201); // 200 → 49: the first crossing
    await world.h.autoTopUp!.chargeDue();
    assert.equal((await hold(ws.token, 300)).status, 201); // 349 → 49: the second
    await world.h.autoTopUp!.chargeDue();
    assert.equal((await hold(ws.token, 300)).status, 201); // 349 → 49: the cycle's two are used
    await world.h.autoTopUp!.chargeDue();
    assert.equal(intentsOf(ws.id).length, 2);
    assert.equal(await addon(ws.token), 49);
    const state = (await world.h.admin('GET', `/workspaces/${ws.id}/auto-top-up`)).body;
    assert.deepEqual([state.enabled, state.usedThisCycle], [true, 2]);
    await expectBooksBalanced(ws.id);
  });

  it('a charge whose answers are lost is asked again with the same idempotency key, in the next pass too: one PaymentIntent, one grant', async () => {
    const ws = await workspace();
    // every answer of this pass is lost (the stripe client's own retries too): the request waits for the next pass
    world.fake.dropPaymentIntentAnswers = 3;
    assert.equal((await hold(ws.token, 160)).status, 201);
    assert.equal(await world.h.autoTopUp!.chargeDue(), 0);
    assert.equal(await addon(ws.token), 0);
    world.fake.dropPaymentIntentAnswers = 0;
    assert.equal(await world.h.autoTopUp!.chargeDue(), 1);
    const asked = world.fake.requests.filter((r) => r.path === '/v1/payment_intents' && r.params.metadata?.workspace_id === ws.id);
    assert.equal(asked.length, 4); // 1 + the client's 2 retries, lost; then 1 answered
    assert.equal(new Set(asked.map((r) => r.headers['idempotency-key'])).size, 1);
    assert.equal(intentsOf(ws.id).length, 1);
    assert.equal(await addon(ws.token), 300);
    await expectBooksBalanced(ws.id);
  });

  it('a declined charge turns auto top-up off and fires purchase.failed, once', async () => {
    const ws = await workspace({ declines: true });
    assert.equal((await hold(ws.token, 160)).status, 201);
    await Promise.all([world.h.autoTopUp!.chargeDue(), world.h.autoTopUp!.chargeDue()]);
    assert.equal(intentsOf(ws.id).length, 1);
    assert.equal(intentsOf(ws.id)[0]!.status, 'requires_payment_method');
    assert.equal(await addon(ws.token), 0);
    const state = (await world.h.admin('GET', `/workspaces/${ws.id}/auto-top-up`)).body;
    assert.deepEqual([state.enabled, state.disabledReason], [false, 'card_declined']);
    await drain();
    const failed = world.receiver.of(ws.id).filter((r) => r.payload.type === 'purchase.failed');
    assert.equal(failed.length, 1);
    const data = EVENT_DATA['purchase.failed'].parse(failed[0]!.payload.data);
    assert.deepEqual([data.source, data.autoTopUpDisabled, data.reason, data.credits], ['auto_top_up', true, 'card_declined', 300]);
    // off: the next crossing asks for nothing
    assert.equal((await hold(ws.token, 40)).status, 201);
    await world.h.autoTopUp!.chargeDue();
    assert.equal(intentsOf(ws.id).length, 1);
    await expectBooksBalanced(ws.id);
  });
});

onEachStore('auto top-up with the demo gateway', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind, { payments: { pricePer100: 1000, currency: 'usd', maxCredits: 10_000 } });
  });
  after(() => h.close());

  it("charges the demo's saved card once per crossing; its declining card turns auto top-up off", async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100 });
    const setup = await h.request('POST', '/auto-top-up/setup', ws.token, { returnUrl: 'http://localhost/editor' });
    assert.deepEqual([setup.status, setup.body.saved, setup.body.url], [201, true, 'http://localhost/editor?credit_auto_top_up=saved']);
    await h.admin('PUT', `/workspaces/${ws.id}/auto-top-up`, { enabled: true, threshold: 30, credits: 200, maxPerCycle: 3 });
    const hold = (credits: number) => h.request('POST', '/holds', ws.token, { operation: 'custom_code', credits, idempotencyKey: randomUUID() });
    assert.equal((await hold(80)).status, 201); // 100 → 20
    assert.equal(await h.autoTopUp!.chargeDue(), 1);
    const grants = await h.store.query<{ reference: string; granted: string }>("SELECT reference, granted FROM grants WHERE workspace_id = $1 AND pool = 'addon'", [ws.id]);
    assert.equal(grants.length, 1);
    assert.match(grants[0]!.reference, /^pi_demo_/);
    assert.equal(Number(grants[0]!.granted), 200_000);
    await h.store.query('UPDATE auto_top_up SET payment_method = $2 WHERE workspace_id = $1', [ws.id, DEMO_DECLINING_CARD]);
    assert.equal((await hold(200)).status, 201); // 220 → 20
    assert.equal(await h.autoTopUp!.chargeDue(), 1);
    const state = (await h.admin('GET', `/workspaces/${ws.id}/auto-top-up`)).body;
    assert.deepEqual([state.enabled, state.disabledReason, state.usedThisCycle], [false, 'card_declined', 2]);
    const purchases = (await h.request('GET', '/purchases', ws.token)).body.purchases;
    assert.deepEqual(purchases.map((p: any) => p.status).sort(), ['failed', 'paid']);
  });
});
