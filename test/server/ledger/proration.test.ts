import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prorate } from '../../../src/server/ledger/proration.js';

const cycle = { cycleStart: new Date('2026-11-01T00:00:00Z'), cycleEnd: new Date('2026-12-01T00:00:00Z') };

describe('prorate (license changes mid-cycle)', () => {
  it('grants the raise for the time left: 10 → 12 builders × 100 credits, 10 of 30 days left', () => {
    assert.deepEqual(prorate({ ...cycle, oldMonthly: 1_000_000, newMonthly: 1_200_000, now: new Date('2026-11-21T00:00:00Z') }), {
      effective: 'now',
      granted: 66_666, // 200 credits × 10/30 = 66.666… → 66.666 credits, rounded down to the millicredit
    });
  });

  it('grants the whole difference at the start of the cycle and nothing at its end', () => {
    assert.equal(prorate({ ...cycle, oldMonthly: 0, newMonthly: 5_000, now: cycle.cycleStart }).granted, 5_000);
    assert.equal(prorate({ ...cycle, oldMonthly: 0, newMonthly: 5_000, now: cycle.cycleEnd }).granted, 0);
    assert.equal(prorate({ ...cycle, oldMonthly: 0, newMonthly: 5_000, now: new Date('2027-01-01T00:00:00Z') }).granted, 0);
    assert.equal(prorate({ ...cycle, oldMonthly: 0, newMonthly: 5_000, now: new Date('2026-10-01T00:00:00Z') }).granted, 5_000);
  });

  it('a cut or no change grants nothing and takes effect next cycle', () => {
    const now = new Date('2026-11-10T00:00:00Z');
    assert.deepEqual(prorate({ ...cycle, oldMonthly: 2_000, newMonthly: 1_000, now }), { effective: 'next_cycle', granted: 0 });
    assert.deepEqual(prorate({ ...cycle, oldMonthly: 2_000, newMonthly: 2_000, now }), { effective: 'next_cycle', granted: 0 });
  });

  it('never grants more than the exact share, and stays exact for large licenses', () => {
    const now = new Date('2026-11-11T07:13:01.123Z');
    const left = cycle.cycleEnd.getTime() - now.getTime();
    const length = cycle.cycleEnd.getTime() - cycle.cycleStart.getTime();
    for (const [oldMonthly, newMonthly] of [[0, 1], [1, 7], [123_456, 999_999_999], [0, 100_000 * 1_000_000_000]] as const) {
      const { granted } = prorate({ ...cycle, oldMonthly, newMonthly, now });
      const exact = (BigInt(newMonthly - oldMonthly) * BigInt(left)) / BigInt(length);
      assert.equal(BigInt(granted), exact);
      assert.ok(granted * length <= (newMonthly - oldMonthly) * left + length);
    }
  });

  it('refuses amounts that are not whole millicredits and empty cycles', () => {
    assert.throws(() => prorate({ ...cycle, oldMonthly: 0.5, newMonthly: 1, now: cycle.cycleStart }), RangeError);
    assert.throws(() => prorate({ cycleStart: cycle.cycleEnd, cycleEnd: cycle.cycleEnd, oldMonthly: 0, newMonthly: 1, now: cycle.cycleStart }), RangeError);
  });
});
