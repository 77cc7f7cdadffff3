// Estimates honest from the first operation: a new workspace learns from this instance's
// history of the type on the same model, GET /operations reports what the instance really
// charges once it has history, and a catalog that disagrees with the real charges is
// reported once per type. On the real demo model, over HTTP, on every store.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import * as z from 'zod/mini';
import { ChatSettled, Estimate, OperationsResponse, type OperationType } from '../../../src/contract/index.js';
import { BUILTIN_AVERAGES, MISMATCH_AFTER } from '../../../src/server/ai/index.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { assertBooksClean, chat, chatKey, demoAiOptions, openChatHarness } from './support.js';

async function charge(h: Harness, token: string, operation: OperationType, prompt: string): Promise<number> {
  const result = await chat(h, token, { operation, prompt, idempotencyKey: chatKey() });
  assert.equal(result.last?.event, 'settled', JSON.stringify(result.last ?? result.json));
  return z.parse(ChatSettled, result.last!.data).receipt.credits;
}

async function estimate(h: Harness, token: string, operation: OperationType, prompt: string): Promise<Estimate> {
  return z.parse(Estimate, (await h.request('POST', '/estimate', token, { operation, prompt })).body);
}

onEachStore('learned estimates on the demo model', (kind) => {
  let h: Harness;
  const warnings: string[] = [];
  before(async () => {
    // from the start: the instance (PostgreSQL keeps it across runs) may have enough history at once
    mock.method(console, 'warn', (message: string) => warnings.push(message));
    // custom code configured 25× too high, so that its real charges disagree with it
    h = await openChatHarness(kind, demoAiOptions({ averages: { ...BUILTIN_AVERAGES, custom_code: 50 }, instanceEstimates: true }));
  });
  after(async () => {
    await h.close();
    mock.restoreAll();
  });

  it('gives a new workspace a first estimate learned from the instance, which its charge lands near and under max', async () => {
    const first = await h.workspace({ creditsPerBuilder: 500 });
    for (let i = 0; i < 5; i++) await charge(h, first.token, 'sql_generation', `top ${i + 3} customers by lifetime value`);
    const fresh = await h.workspace({ creditsPerBuilder: 500 });
    const e = await estimate(h, fresh.token, 'sql_generation', 'top 10 orders by total');
    assert.equal(e.basis, 'history', 'learned from the instance, not the catalog');
    const charged = await charge(h, fresh.token, 'sql_generation', 'top 10 orders by total');
    assert.ok(charged <= e.max, `charged ${charged}, max ${e.max}`);
    assert.ok(Math.abs(e.expected - charged) / charged < 0.25, `expected ${e.expected}, charged ${charged}`);
    await assertBooksClean(h, fresh.id);
  });

  it('reports per type what the instance charges once it has history, the configured average before', async () => {
    const ws = await h.workspace({ creditsPerBuilder: 500 });
    const charges: number[] = [];
    for (let i = 0; i < 5; i++) charges.push(await charge(h, ws.token, 'docs_assistant', `how do tables work? (${i})`));
    // the catalog is read at most every 30 s: read it now rather than wait
    await h.ai!.idle();
    await h.ai!.catalog.refresh();
    const body = z.parse(OperationsResponse, (await h.request('GET', '/operations')).body);
    const docs = body.operations.find((op) => op.type === 'docs_assistant')!;
    assert.equal(docs.basis, 'learned');
    const mean = charges.reduce((a, b) => a + b, 0) / charges.length;
    // on PostgreSQL the instance also holds other tests' docs answers (other prompts, longer conversations)
    assert.ok(Math.abs(docs.averageCredits - mean) / mean < 0.25, `learned ${docs.averageCredits}, charged ${mean} on average`);
    assert.equal(body.operations.length, 8);
    if (kind.name === 'pglite') {
      // a fresh instance: the types nobody ran yet show the configured average
      const layout = body.operations.find((op) => op.type === 'modify_layout')!;
      assert.deepEqual([layout.averageCredits, layout.basis], [50, 'configured']);
    }
  });

  describe('when the configured average and the real charges disagree by more than 2×', () => {
    it(`warns once per type after ${MISMATCH_AFTER} operations, naming both figures and the setting`, async () => {
      const ws = await h.workspace({ creditsPerBuilder: 1000 });
      for (let i = 0; i < MISMATCH_AFTER; i++) await charge(h, ws.token, 'custom_code', `format the invoice amounts (${i})`);
      await h.ai!.idle();
      await h.ai!.catalog.refresh();
      await h.ai!.catalog.refresh();
      const mine = warnings.filter((w) => w.includes('custom_code'));
      assert.equal(mine.length, 1, mine.join('\n'));
      assert.match(mine[0]!, /custom_code: the catalog shows 50 credits, but the last \d+ operations on credit-chat-demo-1 charged [\d.]+ on average/);
      assert.match(mine[0]!, /CREDIT_CHAT_AVERAGE_CUSTOM_CODE/);
      assert.ok(!warnings.some((w) => w.includes('sql_generation')), 'a type whose charges match its average is not reported');
      await assertBooksClean(h, ws.id);
    });
  });
});
