import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OPERATION_TYPES } from '../../../src/contract/index.js';
import {
  AVERAGE_MAX_MULTIPLE,
  estimateOperation,
  HISTORY_WINDOW,
  logNormalPredictionBound,
  median,
  MIN_HISTORY,
  percentile,
} from '../../../src/server/ai/estimator.js';
import { millicreditsForUsage, type ModelPrice } from '../../../src/server/ai/pricing.js';
import { modelFamilyPattern, outputPrior } from '../../../src/server/ai/priors.js';
import { BUILDER_CONTEXT_MIN_WINDOW, SYSTEM_PROMPTS, systemPromptFor } from '../../../src/server/ai/system-prompts.js';
import { countTextTokens } from '../../../src/server/ai/tokens.js';

const PRICE: ModelPrice = { model: 'credit-chat-demo-1', inputUsdPerMillion: '3', outputUsdPerMillion: '15', source: 'builtin' };

describe('median and percentile', () => {
  it('take the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    assert.throws(() => median([]), RangeError);
  });

  it('take the nearest-rank percentile', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    assert.equal(percentile(values, 90), 90);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([3, 1, 2, 5, 4], 90), 5);
    assert.equal(percentile([3, 1, 2, 5, 4], 0), 1);
  });
});

describe('logNormalPredictionBound', () => {
  it('lies above the values of a steady history and narrows as the history grows', () => {
    const steady = [100, 110, 90, 105, 95];
    const bound5 = logNormalPredictionBound(steady);
    assert.ok(bound5 > 110 && bound5 < 200, String(bound5));
    const bound50 = logNormalPredictionBound(Array.from({ length: 10 }, () => steady).flat());
    assert.ok(bound50 < bound5);
    assert.ok(bound50 > 110);
  });

  it('equals the value of a history with no spread', () => {
    assert.equal(Math.round(logNormalPredictionBound([200, 200, 200, 200, 200])), 200);
  });
});

describe('estimateOperation', () => {
  it('uses the catalog average until there are 5 settled operations, then the history', () => {
    const history = [400, 500, 600, 700];
    const before = estimateOperation({ operation: 'sql_generation', inputTokens: 300, price: PRICE, outputHistory: history });
    assert.equal(before.basis, 'average');
    assert.equal(before.expectedMillicredits, 5_000);
    assert.equal(before.maxMillicredits, AVERAGE_MAX_MULTIPLE * 5_000);
    assert.equal(MIN_HISTORY, 5);
    const after = estimateOperation({ operation: 'sql_generation', inputTokens: 300, price: PRICE, outputHistory: [...history, 800] });
    assert.equal(after.basis, 'history');
  });

  it('on the history basis, prices the input plus the median output for expected and at least the p90 for max', () => {
    const outputHistory = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    const estimate = estimateOperation({ operation: 'custom_code', inputTokens: 1000, price: PRICE, outputHistory });
    assert.equal(estimate.expectedOutputTokens, 550);
    // 1000 × $3/M + 550 × $15/M = $0.01125; × 1.25 / $0.01 = 1.40625 credits → 1407 millicredits
    assert.equal(estimate.expectedMillicredits, 1407);
    assert.ok(estimate.maxOutputTokens! >= 900);
    assert.equal(estimate.maxMillicredits, millicreditsForUsage(PRICE, { inputTokens: 1000, outputTokens: estimate.maxOutputTokens! }));
    assert.equal(estimate.inputTokens, 1000);
  });

  it('learns from the last operations only', () => {
    const old = Array.from({ length: 100 }, () => 5_000);
    const recent = Array.from({ length: HISTORY_WINDOW }, () => 200);
    const estimate = estimateOperation({ operation: 'docs_assistant', inputTokens: 0, price: PRICE, outputHistory: [...old, ...recent] });
    assert.equal(estimate.expectedOutputTokens, 200);
    assert.equal(estimate.maxOutputTokens, 200);
  });

  it('raises the average basis when the input alone costs more than the average', () => {
    const estimate = estimateOperation({ operation: 'custom_code', inputTokens: 200_000, price: PRICE, outputHistory: [] });
    const input = millicreditsForUsage(PRICE, { inputTokens: 200_000, outputTokens: 0 });
    assert.ok(input > 2_000);
    assert.equal(estimate.expectedMillicredits, input);
    assert.equal(estimate.maxMillicredits, input + 2_000);
  });

  it('always has expected ≤ max, both whole millicredits, and grows with the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATION_TYPES),
        fc.nat({ max: 50_000 }),
        fc.array(fc.integer({ min: 1, max: 20_000 }), { maxLength: 80 }),
        (operation, inputTokens, outputHistory) => {
          const estimate = estimateOperation({ operation, inputTokens, price: PRICE, outputHistory });
          assert.ok(Number.isSafeInteger(estimate.expectedMillicredits) && Number.isSafeInteger(estimate.maxMillicredits));
          assert.ok(estimate.expectedMillicredits <= estimate.maxMillicredits);
          assert.equal(estimate.basis, outputHistory.length >= MIN_HISTORY ? 'history' : 'average');
          const more = estimateOperation({ operation, inputTokens: inputTokens + 1000, price: PRICE, outputHistory });
          assert.ok(more.expectedMillicredits >= estimate.expectedMillicredits);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('system prompts', () => {
  it('has a distinct, short prompt for every operation type', () => {
    const prompts = OPERATION_TYPES.map((type) => SYSTEM_PROMPTS[type]);
    assert.equal(new Set(prompts).size, OPERATION_TYPES.length);
    for (const prompt of prompts) assert.ok(countTextTokens(prompt, 'gpt-4o') < 250, 'billed on every request, so short');
    assert.match(SYSTEM_PROMPTS.sql_generation, /SQL/);
    assert.match(SYSTEM_PROMPTS.app_generation, /json/);
  });
});

describe('priors: the workspace, then the instance on the same model, then the catalog', () => {
  const few = [400, 420];
  const instance = [900, 1000, 1100, 950, 1050, 980];
  it('prefers the workspace’s own history once it has enough', () => {
    const own = [100, 110, 120, 130, 140];
    assert.deepEqual(outputPrior({ workspace: own, instance }), { source: 'workspace', samples: own });
  });

  it('falls back to the instance’s history, topped with the workspace’s few answers, newest last', () => {
    const prior = outputPrior({ workspace: few, instance });
    assert.equal(prior.source, 'instance');
    assert.deepEqual(prior.samples, [...instance, ...few]);
    const long = Array.from({ length: HISTORY_WINDOW + 10 }, (_, i) => 1000 + i);
    const capped = outputPrior({ workspace: few, instance: long });
    assert.equal(capped.samples.length, HISTORY_WINDOW);
    assert.deepEqual(capped.samples.slice(-2), few);
    assert.equal(capped.samples[0], long[long.length - HISTORY_WINDOW + few.length]);
  });

  it('is the catalog while neither has MIN_HISTORY answers', () => {
    assert.deepEqual(outputPrior({ workspace: few, instance: instance.slice(0, MIN_HISTORY - 1) }), { source: 'catalog', samples: [] });
    assert.deepEqual(outputPrior({ workspace: [] }), { source: 'catalog', samples: [] });
  });

  it('makes a new workspace’s first estimate from the instance’s answers, and its max covers them', () => {
    const e = estimateOperation({ operation: 'sql_generation', inputTokens: 2000, price: PRICE, outputHistory: [], instanceHistory: instance });
    assert.equal(e.basis, 'history');
    assert.equal(e.source, 'instance');
    assert.equal(e.expectedOutputTokens, Math.ceil(median(instance)));
    assert.ok(e.maxOutputTokens! >= Math.max(...instance));
    const fresh = estimateOperation({ operation: 'sql_generation', inputTokens: 2000, price: PRICE, outputHistory: [], instanceHistory: [] });
    assert.deepEqual([fresh.basis, fresh.source], ['average', 'catalog']);
  });

  it('takes the configured average on the catalog basis', () => {
    const e = estimateOperation({ operation: 'sql_generation', inputTokens: 10, price: PRICE, outputHistory: [], averageCredits: 7.5 });
    assert.equal(e.expectedMillicredits, 7_500);
    assert.equal(e.maxMillicredits, AVERAGE_MAX_MULTIPLE * 7_500);
  });

  it('matches a model with or without a vendor prefix and a dated snapshot, and no other model', () => {
    const pattern = new RegExp(modelFamilyPattern('gpt-4o-mini'));
    for (const id of ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'openai/gpt-4o-mini']) assert.match(id, pattern);
    for (const id of ['gpt-4o', 'gpt-4o-mini-high', 'xgpt-4o-mini']) assert.doesNotMatch(id, pattern);
    assert.doesNotMatch('gpt-4x1', new RegExp(modelFamilyPattern('gpt-4.1')), 'a dot is a dot');
    assert.match('claude-sonnet-4-20250514', new RegExp(modelFamilyPattern('claude-sonnet-4')));
  });
});

describe('the builder context of system prompts', () => {
  it('sends the component catalog for app-level types and the schema for SQL, on models with room for it', () => {
    assert.match(systemPromptFor('app_generation', 'gpt-4o-mini'), /## Component catalog/);
    assert.match(systemPromptFor('sql_generation', 'gpt-4o-mini'), /CREATE TABLE orders/);
    assert.doesNotMatch(systemPromptFor('sql_generation', 'gpt-4o-mini'), /## Component catalog/);
  });

  it('sends the fixed demo app to the demo model only, and the short prompt alone to small windows', () => {
    assert.match(systemPromptFor('new_feature', 'credit-chat-demo-1'), /## The app open in the editor/);
    assert.doesNotMatch(systemPromptFor('new_feature', 'gpt-4o-mini'), /## The app open in the editor/);
    assert.equal(systemPromptFor('app_generation', 'llama3.1:8b'), SYSTEM_PROMPTS.app_generation);
    assert.ok(BUILDER_CONTEXT_MIN_WINDOW > 8_192);
  });
});
