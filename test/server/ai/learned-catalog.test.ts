import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogMismatch, catalogOperation, meanChargeMillicredits, MISMATCH_AFTER } from '../../../src/server/ai/learned-catalog.js';
import { DEFAULT_CREDIT_RATES, millicreditsForUsage, type ModelPrice } from '../../../src/server/ai/pricing.js';
import { MIN_HISTORY } from '../../../src/server/ai/priors.js';

const PRICE: ModelPrice = { model: 'credit-chat-demo-1', inputUsdPerMillion: '15', outputUsdPerMillion: '75', source: 'builtin' };
const RATES = DEFAULT_CREDIT_RATES;
// 2,000 in and 140 out at 15/75 with a 25% fee and 0.01 USD per credit: 3.75 + 1.3125 → 5.063 credits
const sample = { inputTokens: 2_000, outputTokens: 140 };
const many = (n: number) => Array.from({ length: n }, () => sample);

describe('the learned catalog', () => {
  it('prices each usage as a charge and averages them', () => {
    assert.equal(meanChargeMillicredits([sample], PRICE, RATES), millicreditsForUsage(PRICE, sample, RATES));
    assert.equal(meanChargeMillicredits([sample, { inputTokens: 0, outputTokens: 0 }], PRICE, RATES), Math.round(millicreditsForUsage(PRICE, sample, RATES) / 2));
    assert.throws(() => meanChargeMillicredits([], PRICE, RATES), RangeError);
  });

  it(`shows the configured average until ${MIN_HISTORY} answers, then the real mean charge`, () => {
    assert.deepEqual(catalogOperation('sql_generation', 5, many(MIN_HISTORY - 1), PRICE, RATES), {
      type: 'sql_generation',
      label: 'SQL query generation',
      averageCredits: 5,
      basis: 'configured',
    });
    const learned = catalogOperation('sql_generation', 5, many(MIN_HISTORY), PRICE, RATES);
    assert.deepEqual([learned.averageCredits, learned.basis], [5.063, 'learned']);
  });

  it(`reports a disagreement beyond 2× only after ${MISMATCH_AFTER} answers, either way`, () => {
    assert.equal(catalogMismatch('sql_generation', 50, many(MISMATCH_AFTER - 1), PRICE, RATES), null);
    const high = catalogMismatch('sql_generation', 50, many(MISMATCH_AFTER), PRICE, RATES);
    assert.match(high!, /sql_generation: the catalog shows 50 credits, but the last 20 operations on credit-chat-demo-1 charged 5\.063 on average \(9\.9× apart\)/);
    assert.match(high!, /CREDIT_CHAT_AVERAGE_SQL_GENERATION \(or averageCredits\.sql_generation in the CREDIT_CHAT_CATALOG file\)/);
    assert.match(catalogMismatch('sql_generation', 2, many(MISMATCH_AFTER), PRICE, RATES)!, /catalog shows 2 credits.*2\.5× apart/);
    assert.equal(catalogMismatch('sql_generation', 5, many(MISMATCH_AFTER), PRICE, RATES), null);
    assert.equal(catalogMismatch('sql_generation', 10.1, many(MISMATCH_AFTER), PRICE, RATES), null, 'within 2× (1.995×)');
    assert.ok(catalogMismatch('sql_generation', 10.2, many(MISMATCH_AFTER), PRICE, RATES), 'beyond 2× (2.015×)');
  });
});
