import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEMO_MODEL,
  loadPriceTable,
  maxOutputTokensWithin,
  millicreditsForUsage,
  parseDecimal,
  PriceTable,
  providerCostPicoUsd,
  type CreditRates,
  type ModelPrice,
} from '../../../src/server/ai/pricing.js';

function price(input: string, output: string): ModelPrice {
  return { model: 'm', inputUsdPerMillion: input, outputUsdPerMillion: output, source: 'config' };
}

/** A decimal string from an integer count of 10^-scale units, e.g. (2500000, 6) → "2.500000". */
function decimal(units: bigint, scale: number): string {
  const text = units.toString().padStart(scale + 1, '0');
  return `${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/**
 * The oracle: the exact charge as a fraction, from the definition (USD cost × (1 + fee) /
 * USD per credit × 1000), with every amount an integer count of its smallest unit.
 */
function exactMillicredits(
  units: { input: bigint; output: bigint },
  usage: { inputTokens: number; outputTokens: number },
  rates: { feeThousandths: bigint; usdPerCreditMillionths: bigint },
): { num: bigint; den: bigint } {
  // cost in USD = (in × inputMicroUsdPerM + out × outputMicroUsdPerM) / 10^12
  const cost = BigInt(usage.inputTokens) * units.input + BigInt(usage.outputTokens) * units.output;
  // × (1000 + fee‰)/1000 ÷ (usdPerCredit µ/10^6) × 1000
  return { num: cost * (1000n + rates.feeThousandths) * 1000n * 1_000_000n, den: 10n ** 12n * 1000n * rates.usdPerCreditMillionths };
}

describe('parseDecimal', () => {
  it('reads decimals exactly and rounds up digits beyond the scale', () => {
    assert.equal(parseDecimal('2.5', 6), 2_500_000n);
    assert.equal(parseDecimal('0.15', 6), 150_000n);
    assert.equal(parseDecimal('15', 6), 15_000_000n);
    assert.equal(parseDecimal('.5', 2), 50n);
    assert.equal(parseDecimal('0.0000001', 6), 1n);
    assert.equal(parseDecimal('0.0000010', 6), 1n);
    assert.equal(parseDecimal(1e-7, 6), 1n);
    assert.equal(parseDecimal(0.1, 9), 100_000_000n);
    assert.equal(parseDecimal(2e21, 0), 2_000_000_000_000_000_000_000n);
  });

  it('refuses what is not a non-negative decimal', () => {
    for (const bad of ['-1', 'abc', '', '.', '1e5', '1.2.3']) assert.throws(() => parseDecimal(bad, 6), RangeError, bad);
    assert.throws(() => parseDecimal(-0.5, 6), RangeError);
    assert.throws(() => parseDecimal(Number.NaN, 6), RangeError);
  });
});

describe('millicreditsForUsage', () => {
  it('matches examples worked by hand', () => {
    // 1000 input tokens at $2.50/M = $0.0025; × 1.25 = $0.003125; / $0.01 = 0.3125 credits = 312.5 → 313 millicredits
    assert.equal(millicreditsForUsage(price('2.5', '10'), { inputTokens: 1000, outputTokens: 0 }), 313);
    // 1000 in + 500 out at $3/$15: $0.003 + $0.0075 = $0.0105; × 1.25 = $0.013125 → 1.3125 credits → 1313
    assert.equal(millicreditsForUsage(price('3', '15'), { inputTokens: 1000, outputTokens: 500 }), 1313);
    // exactly representable: 8000 output tokens at $1/M = $0.008 × 1.25 = $0.01 = 1 credit
    assert.equal(millicreditsForUsage(price('0', '1'), { inputTokens: 0, outputTokens: 8000 }), 1000);
    // one token at $0.10/M is far below a millicredit, and still charges one
    assert.equal(millicreditsForUsage(price('0.1', '0.4'), { inputTokens: 1, outputTokens: 0 }), 1);
    assert.equal(millicreditsForUsage(price('2.5', '10'), { inputTokens: 0, outputTokens: 0 }), 0);
    // no fee, $0.001 per credit: 1M tokens at $1/M = $1 = 1000 credits
    assert.equal(millicreditsForUsage(price('1', '1'), { inputTokens: 1_000_000, outputTokens: 0 }, { serviceFee: '0', usdPerCredit: '0.001' }), 1_000_000);
  });

  it('never undercharges and never overcharges by a millicredit or more, for any prices, usage and rates', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 200_000_000n }),
        fc.bigInt({ min: 0n, max: 800_000_000n }),
        fc.nat({ max: 2_000_000 }),
        fc.nat({ max: 200_000 }),
        fc.bigInt({ min: 0n, max: 2000n }),
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        (inputUnits, outputUnits, inputTokens, outputTokens, feeThousandths, usdPerCreditMillionths) => {
          const rates: CreditRates = { serviceFee: decimal(feeThousandths, 3), usdPerCredit: decimal(usdPerCreditMillionths, 6) };
          const p = price(decimal(inputUnits, 6), decimal(outputUnits, 6));
          const usage = { inputTokens, outputTokens };
          const charged = millicreditsForUsage(p, usage, rates);
          assert.ok(Number.isSafeInteger(charged));
          const { num, den } = exactMillicredits({ input: inputUnits, output: outputUnits }, usage, { feeThousandths, usdPerCreditMillionths });
          assert.ok(BigInt(charged) * den >= num, 'never below the exact charge');
          assert.ok(BigInt(charged - 1) * den < num || charged === 0, 'less than one millicredit above it');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is exact where float arithmetic is not', () => {
    // float: 0.12 * 1000 / 1e6 * 1.25 / 0.01 * 1000 = 15.000000000000002, which rounds up to 16; exactly it is 15
    assert.equal(0.12 * 1000 / 1e6 * 1.25 / 0.01 * 1000 > 15, true);
    assert.equal(millicreditsForUsage(price('0.12', '0'), { inputTokens: 1000, outputTokens: 0 }), 15);
    assert.equal(providerCostPicoUsd(price('0.1', '0.2'), { inputTokens: 3, outputTokens: 3 }), 900_000n);
  });

  it('refuses fractional or negative token counts', () => {
    assert.throws(() => millicreditsForUsage(price('1', '1'), { inputTokens: 1.5, outputTokens: 0 }), RangeError);
    assert.throws(() => millicreditsForUsage(price('1', '1'), { inputTokens: -1, outputTokens: 0 }), RangeError);
  });
});

describe('maxOutputTokensWithin', () => {
  it('finds the largest output whose charge fits the hold', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 100_000_000n }),
        fc.bigInt({ min: 1n, max: 200_000_000n }),
        fc.nat({ max: 100_000 }),
        fc.nat({ max: 500_000 }),
        (inputUnits, outputUnits, inputTokens, hold) => {
          const p = price(decimal(inputUnits, 6), decimal(outputUnits, 6));
          const tokens = maxOutputTokensWithin(hold, inputTokens, p);
          if (millicreditsForUsage(p, { inputTokens, outputTokens: 0 }) > hold) {
            assert.equal(tokens, 0);
            return;
          }
          assert.ok(millicreditsForUsage(p, { inputTokens, outputTokens: tokens }) <= hold, 'fits');
          assert.ok(millicreditsForUsage(p, { inputTokens, outputTokens: tokens + 1 }) > hold, 'one more does not');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('returns the cap when output is free or the hold allows more, and honors custom rates', () => {
    assert.equal(maxOutputTokensWithin(1000, 10, price('1', '0'), undefined, 4096), 4096);
    assert.equal(maxOutputTokensWithin(1_000_000, 10, price('1', '1'), undefined, 4096), 4096);
    // 1 credit = $0.01 / 1.25 = $0.008 of provider cost = 8000 tokens at $1/M
    assert.equal(maxOutputTokensWithin(1000, 0, price('1', '1')), 8000);
    assert.equal(maxOutputTokensWithin(1000, 0, price('1', '1'), { serviceFee: '0', usdPerCredit: '0.01' }), 10_000);
  });
});

describe('PriceTable', () => {
  const table = new PriceTable();

  it('prices the demo model like an Opus-class model (15 / 75), and unknown models like a mid-size one (3 / 15)', () => {
    assert.deepEqual(table.priceOf(DEMO_MODEL), { model: DEMO_MODEL, inputUsdPerMillion: '15', outputUsdPerMillion: '75', source: 'builtin' });
    assert.deepEqual(table.priceOf('llama3.1:8b'), { model: 'llama3.1:8b', inputUsdPerMillion: '3', outputUsdPerMillion: '15', source: 'fallback' });
  });

  it('takes gpt-tokenizer data where the built-in list has nothing', () => {
    const p = table.priceOf('gpt-4-turbo');
    assert.equal(p.source, 'gpt-tokenizer');
    assert.equal(p.inputUsdPerMillion, '10');
    assert.equal(p.outputUsdPerMillion, '30');
  });

  it('prefers the built-in list prices where gpt-tokenizer is wrong', () => {
    assert.deepEqual([table.priceOf('gpt-4o').inputUsdPerMillion, table.priceOf('gpt-4o').outputUsdPerMillion], ['2.5', '10']);
  });

  it('finds dated snapshots and vendor-prefixed ids, and prices unknown models as a fallback', () => {
    assert.equal(table.priceOf('claude-sonnet-4-20250514').outputUsdPerMillion, '15');
    assert.equal(table.priceOf('gpt-4o-mini-2024-07-18').inputUsdPerMillion, '0.15');
    assert.equal(table.priceOf('openai/gpt-4o-mini').inputUsdPerMillion, '0.15');
    assert.equal(table.priceOf('openai/gpt-4o-mini').model, 'openai/gpt-4o-mini');
    assert.equal(table.priceOf('llama3.1:8b').source, 'fallback');
  });

  it('lets the config file override everything, numbers and decimal strings alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    try {
      const path = join(dir, 'prices.json');
      writeFileSync(path, JSON.stringify({ 'gpt-4o': { input: 1e-7, output: '12.5' }, 'llama3.1:8b': { input: 0, output: 0 } }));
      const custom = loadPriceTable({ env: { CREDIT_CHAT_PRICES: path } });
      assert.deepEqual(custom.priceOf('gpt-4o'), { model: 'gpt-4o', inputUsdPerMillion: '0.0000001', outputUsdPerMillion: '12.5', source: 'config' });
      assert.equal(custom.priceOf('llama3.1:8b').outputUsdPerMillion, '0');
      assert.equal(loadPriceTable({ path }).priceOf('gpt-4o').source, 'config');
      writeFileSync(path, JSON.stringify({ 'gpt-4o': { input: -1, output: 1 } }));
      assert.throws(() => loadPriceTable({ path }), /is not/);
      assert.throws(() => loadPriceTable({ path: join(dir, 'missing.json') }), /cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses no file without a path', () => {
    assert.equal(loadPriceTable({ env: {} }).priceOf('gpt-4o').source, 'builtin');
  });
});
