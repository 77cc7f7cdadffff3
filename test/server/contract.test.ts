import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { MAX_CREDITS, PositiveCredits, fromMillicredits, hasAtMostThreeDecimals, toMillicredits } from '../../src/contract/index.js';

describe('credit amounts on the wire', () => {
  it('round-trips every millicredit amount exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CREDITS * 1000 }), (milli) => {
        const credits = fromMillicredits(milli);
        assert.ok(hasAtMostThreeDecimals(credits));
        assert.equal(toMillicredits(credits), milli);
        assert.equal(toMillicredits(JSON.parse(JSON.stringify(credits)) as number), milli);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses more than three decimals, non-finite values and amounts too small to be a millicredit', () => {
    for (const value of [1.0005, 0.0001, 1e-320, 5e-324, Number.NaN, Infinity, -Infinity]) {
      assert.equal(hasAtMostThreeDecimals(value), false, String(value));
      assert.throws(() => toMillicredits(value), RangeError);
    }
    assert.equal(z.safeParse(PositiveCredits, 1e-320).success, false);
    assert.equal(z.safeParse(PositiveCredits, 0).success, false);
    assert.equal(z.safeParse(PositiveCredits, 0.001).success, true);
    assert.equal(toMillicredits(1.005), 1005);
    // Floating-point noise around a three-decimal value is that value.
    assert.equal(toMillicredits(0.1 + 0.2), 300);
  });
});
