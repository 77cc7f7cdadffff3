import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

onEachStore('ledger over HTTP', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind);
  });
  after(() => h.close());

  async function expectBooksBalanced(workspaceId: string) {
    assert.deepEqual(await h.audit(workspaceId), []);
    const t = await h.totals(workspaceId);
    assert.equal(t.granted, t.captured + t.expired + t.held + t.available);
  }

  it('shows monthly + add-on as the total, with renewal and validity dates', async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 50, addon: 200, cycleAnchorDay: 1 });
    const { status, body } = await h.request('GET', '/balance', ws.token);
    assert.equal(status, 200);
    assert.equal(body.total, 300);
    assert.deepEqual(body.monthly, { allocated: 100, available: 100, renewsAt: '2026-12-01T00:00:00.000Z' });
    assert.deepEqual(body.addon, { available: 200, expiresAt: '2027-11-21T10:00:00.000Z' });
    assert.equal(body.held, 0);
    assert.equal(body.byok, false);
    await expectBooksBalanced(ws.id);
  });

  it('takes monthly credits first, then add-on, and the receipt shows the split', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 30, addon: 100 });
    const debit = await h.request('POST', '/debits', ws.token, { operation: 'app_generation', credits: 45.5, idempotencyKey: key() });
    assert.equal(debit.status, 201);
    assert.equal(debit.body.credits, 45.5);
    assert.equal(debit.body.fromMonthly, 30);
    assert.equal(debit.body.fromAddon, 15.5);
    assert.equal(debit.body.balance.total, 84.5);
    assert.equal(debit.body.balance.monthly.available, 0);
    assert.equal(debit.body.balance.addon.available, 84.5);
    await expectBooksBalanced(ws.id);
  });

  it('captures at most the hold and releases the rest', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 20, addon: 100 });
    const hold = await h.request('POST', '/holds', ws.token, { operation: 'sql_generation', credits: 30, idempotencyKey: key() });
    assert.equal(hold.status, 201);
    assert.deepEqual([hold.body.status, hold.body.fromMonthly, hold.body.fromAddon], ['pending', 20, 10]);
    const during = await h.request('GET', '/balance', ws.token);
    assert.equal(during.body.held, 30);
    assert.equal(during.body.total, 90);

    const tooMuch = await h.request('POST', `/holds/${hold.body.id}/capture`, ws.token, { credits: 30.001 });
    assert.equal(tooMuch.status, 400);
    assert.equal(tooMuch.body.error.field, 'credits');

    const receipt = await h.request('POST', `/holds/${hold.body.id}/capture`, ws.token, { credits: 24.125 });
    assert.equal(receipt.status, 200);
    assert.deepEqual([receipt.body.credits, receipt.body.fromMonthly, receipt.body.fromAddon], [24.125, 20, 4.125]);
    assert.equal(receipt.body.balance.held, 0);
    assert.equal(receipt.body.balance.total, 95.875);

    const again = await h.request('POST', `/holds/${hold.body.id}/capture`, ws.token, { credits: 1 });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'hold_not_pending');
    assert.equal(again.body.error.status, 'captured');
    assert.equal(again.body.error.receiptId, receipt.body.id);
    const voidAfter = await h.request('POST', `/holds/${hold.body.id}/void`, ws.token);
    assert.equal(voidAfter.status, 409);
    await expectBooksBalanced(ws.id);
  });

  it('voids a hold, releasing all of it; capture after void is 409', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    const hold = await h.request('POST', '/holds', ws.token, { operation: 'custom_code', credits: 8, idempotencyKey: key() });
    const voided = await h.request('POST', `/holds/${hold.body.id}/void`, ws.token);
    assert.equal(voided.status, 200);
    assert.equal(voided.body.status, 'voided');
    assert.equal((await h.request('GET', '/balance', ws.token)).body.total, 10);
    const capture = await h.request('POST', `/holds/${hold.body.id}/capture`, ws.token, { credits: 1 });
    assert.equal(capture.status, 409);
    assert.equal(capture.body.error.status, 'voided');
    await expectBooksBalanced(ws.id);
  });

  it('releases a hold at its TTL, lazily on access and by the sweeper; capture after expiry is 409', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    const lazy = await h.request('POST', '/holds', ws.token, { operation: 'custom_code', credits: 4, idempotencyKey: key(), ttlSeconds: 60 });
    const swept = await h.request('POST', '/holds', ws.token, { operation: 'custom_code', credits: 5, idempotencyKey: key() });
    assert.equal(swept.body.expiresAt, new Date(h.clock.now().getTime() + 600_000).toISOString());
    h.clock.advance(60_000);
    const capture = await h.request('POST', `/holds/${lazy.body.id}/capture`, ws.token, { credits: 1 });
    assert.equal(capture.status, 409);
    assert.equal(capture.body.error.status, 'expired');
    h.clock.advance(540_000);
    assert.ok((await h.ledger.sweep()) >= 1);
    const held = await h.store.query<{ status: string }>('SELECT status FROM holds WHERE id = $1', [swept.body.id]);
    assert.equal(held[0]!.status, 'expired');
    assert.equal((await h.request('GET', '/balance', ws.token)).body.total, 10);
    await expectBooksBalanced(ws.id);
  });

  it('expires the unused monthly remainder at the exact second the cycle ends and opens the next', async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 25, cycleAnchorDay: 1 });
    await h.request('POST', '/debits', ws.token, { operation: 'modify_layout', credits: 12, idempotencyKey: key() });
    h.clock.set('2026-11-30T23:59:59.999Z');
    const last = await h.request('GET', '/balance', ws.token);
    assert.equal(last.body.monthly.available, 38);
    h.clock.set('2026-12-01T00:00:00.000Z');
    const next = await h.request('GET', '/balance', ws.token);
    assert.deepEqual(next.body.monthly, { allocated: 50, available: 50, renewsAt: '2027-01-01T00:00:00.000Z' });
    const totals = await h.totals(ws.id);
    assert.equal(totals.expired, 38_000);
    assert.equal(totals.captured, 12_000);
    await expectBooksBalanced(ws.id);
    h.clock.set('2026-11-21T10:00:00.000Z');
  });

  it('renews in the workspace time zone: anchor 31 in February, Berlin midnight', async () => {
    h.clock.set('2027-02-10T12:00:00.000Z');
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10, cycleAnchorDay: 31, timeZone: 'Europe/Berlin' });
    const balance = await h.request('GET', '/balance', ws.token);
    assert.equal(balance.body.monthly.renewsAt, '2027-02-27T23:00:00.000Z');
    h.clock.set('2027-02-27T23:00:00.000Z');
    const renewed = await h.request('GET', '/balance', ws.token);
    assert.equal(renewed.body.monthly.renewsAt, '2027-03-30T22:00:00.000Z');
    h.clock.set('2026-11-21T10:00:00.000Z');
  });

  it('extends the whole add-on pool to a year after the latest purchase, and expires it then', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 0, addon: 100 });
    h.clock.advance(200 * 86_400_000);
    const bought = await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 300, reference: 'order-2' });
    assert.equal(bought.status, 201);
    const validUntil = bought.body.expiresAt;
    const balance = await h.request('GET', '/balance', ws.token);
    assert.equal(balance.body.addon.available, 400);
    assert.equal(balance.body.addon.expiresAt, validUntil);
    const grants = await h.store.query<{ expires_at: Date }>("SELECT expires_at FROM grants WHERE workspace_id = $1 AND pool = 'addon'", [ws.id]);
    assert.deepEqual(grants.map((g) => new Date(g.expires_at).toISOString()), [validUntil, validUntil]);
    h.clock.set(validUntil);
    const expired = await h.request('GET', '/balance', ws.token);
    assert.equal(expired.body.addon.available, 0);
    assert.equal((await h.totals(ws.id)).expired, 400_000);
    await expectBooksBalanced(ws.id);
    h.clock.set('2026-11-21T10:00:00.000Z');
  });

  it('makes add-on purchases idempotent by reference', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 0 });
    const first = await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 200, reference: 'invoice-7' });
    const replay = await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 200, reference: 'invoice-7' });
    assert.deepEqual(replay.body, first.body);
    const other = await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 300, reference: 'invoice-7' });
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_mismatch');
    assert.equal((await h.request('GET', '/balance', ws.token)).body.total, 200);
  });

  it('replays an idempotency key: the first answer, nothing changed; other parameters 422', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100 });
    const k = key();
    const first = await h.request('POST', '/debits', ws.token, { operation: 'docs_assistant', credits: 6, idempotencyKey: k });
    const before = await h.rowCounts(ws.id);
    const replay = await h.request('POST', '/debits', ws.token, { operation: 'docs_assistant', credits: 6, idempotencyKey: k });
    assert.equal(replay.status, 201);
    assert.deepEqual(replay.body, first.body);
    assert.deepEqual(await h.rowCounts(ws.id), before);
    const mismatch = await h.request('POST', '/debits', ws.token, { operation: 'docs_assistant', credits: 7, idempotencyKey: k });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.error.code, 'idempotency_mismatch');
    const holdKey = key();
    const hold = await h.request('POST', '/holds', ws.token, { operation: 'sql_generation', credits: 5, idempotencyKey: holdKey });
    const holdReplay = await h.request('POST', '/holds', ws.token, { operation: 'sql_generation', credits: 5, idempotencyKey: holdKey });
    assert.equal(holdReplay.body.id, hold.body.id);
    assert.equal((await h.request('GET', '/balance', ws.token)).body.held, 5);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('keeps a refused key refused, even after credits arrive', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 5 });
    const k = key();
    const refused = await h.request('POST', '/holds', ws.token, { operation: 'app_generation', credits: 100, idempotencyKey: k });
    assert.equal(refused.status, 402);
    assert.deepEqual(refused.body.error, { code: 'insufficient_credits', message: refused.body.error.message, needed: 100, available: 5 });
    await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 100, reference: key() });
    const again = await h.request('POST', '/holds', ws.token, { operation: 'app_generation', credits: 100, idempotencyKey: k });
    assert.equal(again.status, 402);
    assert.equal(again.body.error.available, 5);
    const fresh = await h.request('POST', '/holds', ws.token, { operation: 'app_generation', credits: 100, idempotencyKey: key() });
    assert.equal(fresh.status, 201);
  });

  it('scopes idempotency keys to the builder', async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 10 });
    const k = key();
    const a = await h.request('POST', '/debits', ws.tokens[0], { operation: 'custom_code', credits: 2, idempotencyKey: k });
    const b = await h.request('POST', '/debits', ws.tokens[1], { operation: 'custom_code', credits: 2, idempotencyKey: k });
    assert.notEqual(a.body.id, b.body.id);
    assert.equal(b.body.balance.total, 16);
  });

  it('never lets one workspace see or spend another\'s credits', async () => {
    const mine = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    const theirs = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    const hold = await h.request('POST', '/holds', theirs.token, { operation: 'custom_code', credits: 2, idempotencyKey: key() });
    for (const [method, path, body] of [
      ['POST', `/holds/${hold.body.id}/capture`, { credits: 1 }],
      ['POST', `/holds/${hold.body.id}/void`, undefined],
    ] as const) {
      const answer = await h.request(method, path, mine.token, body);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.error.code, 'not_found');
    }
    assert.equal((await h.request('GET', '/balance', mine.token)).body.total, 10);
    const usage = await h.request('GET', '/usage', mine.token);
    assert.deepEqual(usage.body.entries, []);
    assert.equal((await h.request('GET', '/balance', theirs.token)).body.held, 2);
  });

  it('lists usage newest first with a cursor', async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 100 });
    for (const [i, op] of (['sql_generation', 'custom_code', 'docs_assistant'] as const).entries()) {
      h.clock.advance(1000);
      await h.request('POST', '/debits', ws.tokens[i % 2], { operation: op, credits: i + 1, idempotencyKey: key(), description: `op ${i}` });
    }
    const page1 = await h.request('GET', '/usage?limit=2', ws.token);
    assert.equal(page1.status, 200);
    assert.deepEqual(page1.body.entries.map((e: any) => e.operation), ['docs_assistant', 'custom_code']);
    assert.deepEqual(page1.body.entries.map((e: any) => e.builder), ['builder-1', 'builder-2']);
    const page2 = await h.request('GET', `/usage?limit=2&cursor=${page1.body.nextCursor}`, ws.token);
    assert.deepEqual(page2.body.entries.map((e: any) => [e.operation, e.credits, e.description]), [['sql_generation', 1, 'op 0']]);
    assert.equal(page2.body.nextCursor, null);
    const bad = await h.request('GET', '/usage?cursor=nonsense', ws.token);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'cursor');
  });

  it('refuses to rewrite history: entries and receipts are append-only', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10 });
    await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 2, idempotencyKey: key() });
    await assert.rejects(h.store.query('UPDATE entries SET amount = 1 WHERE workspace_id = $1', [ws.id]), /append-only/);
    await assert.rejects(h.store.query('DELETE FROM receipts WHERE workspace_id = $1', [ws.id]), /append-only/);
    await assert.rejects(h.store.query('UPDATE grants SET available = available + 1 WHERE workspace_id = $1', [ws.id]), /grants_balanced/);
    await expectBooksBalanced(ws.id);
  });
});
