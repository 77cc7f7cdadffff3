import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { fuzzApi } from '../support/fuzz.js';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

const CASES = Number(process.env.CREDIT_CHAT_FUZZ_CASES ?? 300);

onEachStore('fuzzed requests on every endpoint', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind, {
      ai: { provider: { provider: 'demo' }, providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } }, secret: 'fuzz-secret-0123456789abcdef' },
      payments: { pricePer100: 1000, currency: 'usd', maxCredits: 10_000 },
    });
  });
  after(() => h.close());

  it(`${CASES} fuzzed bodies, query strings and headers: never a 5xx, every refusal a 4xx with a code and a message, the books balanced`, { timeout: 300_000 }, async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100, addon: 100 });
    const hold = await h.request('POST', '/holds', ws.token, { operation: 'sql_generation', credits: 3, idempotencyKey: key() });
    const purchase = await h.request('POST', '/purchases', ws.token, { credits: 300 });
    const sessionId = new URL(purchase.body.checkoutUrl as string).pathname.split('/').pop()!;
    const hook = await h.admin('POST', `/workspaces/${ws.id}/webhooks`, { url: 'http://127.0.0.1:9/hooks' });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const report = await fuzzApi(h, {
      cases: CASES,
      seed: kind.name === 'pglite' ? 1 : 2,
      token: ws.token,
      workspaceId: ws.id,
      holdId: hold.body.id,
      purchaseId: purchase.body.id,
      sessionId,
      builder: 'builder-1',
      hookId: hook.body.id,
    });
    assert.deepEqual(report.violations, []);
    assert.equal(report.cases, CASES);
    const statuses = Object.keys(report.byStatus).map(Number);
    assert.ok(statuses.some((s) => s < 300), `no request was accepted: ${JSON.stringify(report.byStatus)}`);
    assert.ok(statuses.some((s) => s === 400), `no request was refused as invalid: ${JSON.stringify(report.byStatus)}`);
    assert.deepEqual(await h.audit(ws.id), []);
    const t = await h.totals(ws.id);
    assert.equal(t.granted, t.captured + t.expired + t.held + t.available);
  });
});
