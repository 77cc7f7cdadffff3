import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OPERATION_TYPES, type OperationType } from '../../../src/contract/index.js';
import { DEMO_MODEL } from '../../../src/server/ai/pricing.js';
import { compactJson } from '../../../src/server/ai/providers/demo-answers.js';
import { DemoProvider, demoChunks } from '../../../src/server/ai/providers/demo.js';
import { ProviderError, type ProviderEvent, type ProviderRequest, type UsageEvent } from '../../../src/server/ai/providers/types.js';
import { systemPromptFor } from '../../../src/server/ai/system-prompts.js';
import { countChatTokens, countTextTokens } from '../../../src/server/ai/tokens.js';

const PROMPTS: Record<OperationType, string> = {
  app_generation: 'Build an inventory tracker for our warehouse',
  new_feature: 'Add CSV export to the orders table',
  modify_layout: 'Make the dashboard three columns and responsive on mobile',
  modify_queries: 'Add a discount code to orders',
  debug_autofix: 'customersTable shows an error: cannot read properties of undefined',
  docs_assistant: 'How do event handlers work?',
  sql_generation: 'top 5 customers by lifetime value',
  custom_code: 'format the invoice amounts with two decimals',
};

const instant = new DemoProvider({ firstChunkDelayMs: 0, chunkDelayMs: 0 });

function requestFor(operation: OperationType, prompt = PROMPTS[operation], maxTokens = 16_000): ProviderRequest {
  return { system: systemPromptFor(operation), messages: [{ role: 'user', content: prompt }], maxTokens, operation };
}

async function run(request: ProviderRequest, provider = instant): Promise<{ deltas: string[]; text: string; usage: UsageEvent }> {
  const events: ProviderEvent[] = [];
  for await (const event of provider.stream(request)) events.push(event);
  const usage = events.pop();
  assert.equal(usage?.type, 'usage', 'the usage comes last');
  const deltas = events.map((e) => (e.type === 'delta' ? e.text : assert.fail('only deltas before the usage')));
  return { deltas, text: deltas.join(''), usage: usage as UsageEvent };
}

function fenced(text: string, language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(text);
  assert.ok(match, `a ${language} block in:\n${text}`);
  return match[1]!;
}

describe('demo provider', () => {
  it('is named as a demo model in every answer, for every operation type', async () => {
    assert.equal(instant.model, DEMO_MODEL);
    for (const operation of OPERATION_TYPES) {
      const { text, usage } = await run(requestFor(operation));
      assert.match(text.split('\n')[0]!, /Demo model `credit-chat-demo-1`.*offline, deterministic/);
      assert.equal(usage.model, DEMO_MODEL);
      assert.equal(usage.finishReason, 'stop');
    }
  });

  it('answers each operation type with what it asks for, derived from the prompt', async () => {
    const sql = fenced((await run(requestFor('sql_generation'))).text, 'sql');
    assert.match(sql, /^SELECT [\s\S]*\nFROM customers\n/);
    assert.match(sql, /LIMIT 5;$/);

    const spec = JSON.parse(fenced((await run(requestFor('app_generation'))).text, 'json'));
    assert.equal(spec.name, 'Inventory Tracker');
    assert.ok(spec.pages.length >= 1);
    assert.ok(spec.pages.some((page: { components: { type: string }[] }) => page.components.some((c) => c.type === 'table')));

    assert.match(fenced((await run(requestFor('custom_code'))).text, 'javascript'), /queries\.list_invoices/);
    assert.match(fenced((await run(requestFor('modify_queries'))).text, 'sql'), /ALTER TABLE orders ADD COLUMN IF NOT EXISTS discount numeric/);
    assert.match((await run(requestFor('debug_autofix'))).text, /`customersTable`/);
    assert.match((await run(requestFor('docs_assistant'))).text, /\*\*Event Handlers\*\*/);
    assert.equal(JSON.parse(fenced((await run(requestFor('modify_layout'))).text, 'json')).columns, 3);
    assert.match((await run(requestFor('new_feature'))).text, /CSV Export/);
  });

  it('gives the same answer in the same chunks for the same request', async () => {
    for (const operation of OPERATION_TYPES) {
      const first = await run(requestFor(operation));
      const second = await run(requestFor(operation));
      assert.deepEqual(second.deltas, first.deltas);
      assert.deepEqual(second.usage, first.usage);
    }
    const other = await run(requestFor('sql_generation', 'how many orders per status last week'));
    assert.notEqual(other.text, (await run(requestFor('sql_generation'))).text);
    assert.match(fenced(other.text, 'sql'), /GROUP BY status/);
  });

  it('reports usage as the tokenizer counts it: the framed request in, the streamed text out', async () => {
    for (const operation of OPERATION_TYPES) {
      const request = requestFor(operation);
      const { text, usage } = await run(request);
      assert.equal(usage.inputTokens, countChatTokens(DEMO_MODEL, request));
      assert.equal(usage.outputTokens, countTextTokens(text, DEMO_MODEL));
    }
  });

  it('stops at max tokens with finish reason length', async () => {
    const { text, usage } = await run(requestFor('app_generation', PROMPTS.app_generation, 40));
    assert.equal(usage.finishReason, 'length');
    assert.ok(usage.outputTokens <= 40 && usage.outputTokens >= 35, String(usage.outputTokens));
    assert.equal(usage.outputTokens, countTextTokens(text, DEMO_MODEL));
  });

  it('streams small chunks at the configured pace', async () => {
    const paced = new DemoProvider({ firstChunkDelayMs: 0, chunkDelayMs: 4 });
    const started = performance.now();
    const { deltas } = await run(requestFor('sql_generation'), paced);
    const elapsed = performance.now() - started;
    assert.ok(deltas.length > 20);
    assert.ok(deltas.every((d) => d.length <= 16));
    assert.ok(elapsed >= (deltas.length - 1) * 4 * 0.7, `${elapsed} ms for ${deltas.length} chunks`);
  });

  it('sends a long answer several chunks per pause, so that it streams within its time budget', async () => {
    const budgeted = new DemoProvider({ firstChunkDelayMs: 0, chunkDelayMs: 20, maxStreamMs: 200 });
    const whole = await run(requestFor('app_generation'));
    const { deltas, text } = await run(requestFor('app_generation'), budgeted);
    assert.equal(text, whole.text);
    assert.ok(whole.deltas.length > 1000, `${whole.deltas.length} small chunks`);
    // 200 ms at 20 ms a pause: about 10 pauses, however long the answer
    assert.ok(deltas.length <= 11, `${deltas.length} deltas`);
    // an answer that fits the budget keeps its small chunks
    const paced = new DemoProvider({ firstChunkDelayMs: 0, chunkDelayMs: 1, maxStreamMs: 15_000 });
    assert.deepEqual((await run(requestFor('custom_code'), paced)).deltas, (await run(requestFor('custom_code'))).deltas);
  });

  it('stops with kind aborted when the signal aborts', async () => {
    const controller = new AbortController();
    const paced = new DemoProvider({ firstChunkDelayMs: 0, chunkDelayMs: 5 });
    let deltas = 0;
    await assert.rejects(
      (async () => {
        for await (const event of paced.stream({ ...requestFor('app_generation'), signal: controller.signal })) {
          if (event.type === 'delta' && ++deltas === 3) controller.abort();
        }
      })(),
      (err: unknown) => err instanceof ProviderError && err.kind === 'aborted',
    );
    assert.equal(deltas, 3);
  });

  it('cuts any text into chunks that join back to it without splitting a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const chunks = demoChunks(text);
        assert.equal(chunks.join(''), text);
        for (const chunk of chunks) assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(chunk), 'no lone surrogate at a cut');
      }),
      { numRuns: 300 },
    );
  });

  it('prints JSON compactly and parseably', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assert.deepEqual(JSON.parse(compactJson(value)), JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});
