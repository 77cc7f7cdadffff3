import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cycleWindow, daysInMonth, localMidnight, oneYearAfter } from '../../../src/server/ledger/cycle.js';

const iso = (d: Date) => d.toISOString();

describe('billing-cycle dates', () => {
  it('clamps anchor day 31 to the last day of February', () => {
    const w = cycleWindow(new Date('2026-02-15T12:00:00Z'), 31, 'UTC');
    assert.equal(iso(w.start), '2026-01-31T00:00:00.000Z');
    assert.equal(iso(w.end), '2026-02-28T00:00:00.000Z');
    const next = cycleWindow(new Date('2026-02-28T00:00:00Z'), 31, 'UTC');
    assert.equal(iso(next.start), '2026-02-28T00:00:00.000Z');
    assert.equal(iso(next.end), '2026-03-31T00:00:00.000Z');
  });

  it('uses February 29 in a leap year', () => {
    const w = cycleWindow(new Date('2028-02-29T08:00:00Z'), 31, 'UTC');
    assert.equal(iso(w.start), '2028-02-29T00:00:00.000Z');
    assert.equal(iso(w.end), '2028-03-31T00:00:00.000Z');
    const before = cycleWindow(new Date('2028-02-28T23:59:59Z'), 30, 'UTC');
    assert.equal(iso(before.start), '2028-01-30T00:00:00.000Z');
    assert.equal(iso(before.end), '2028-02-29T00:00:00.000Z');
  });

  it('starts at local midnight in the workspace time zone across a DST change', () => {
    // New York moves to daylight time on 2026-03-08: the cycle is an hour shorter.
    const w = cycleWindow(new Date('2026-03-01T12:00:00Z'), 15, 'America/New_York');
    assert.equal(iso(w.start), '2026-02-15T05:00:00.000Z');
    assert.equal(iso(w.end), '2026-03-15T04:00:00.000Z');
    assert.equal(w.end.getTime() - w.start.getTime(), (28 * 24 - 1) * 3600_000);
    // Berlin leaves daylight time on 2026-10-25: the cycle is an hour longer.
    const autumn = cycleWindow(new Date('2026-10-20T00:00:00Z'), 1, 'Europe/Berlin');
    assert.equal(iso(autumn.start), '2026-09-30T22:00:00.000Z');
    assert.equal(iso(autumn.end), '2026-10-31T23:00:00.000Z');
    assert.equal(autumn.end.getTime() - autumn.start.getTime(), (31 * 24 + 1) * 3600_000);
  });

  it('starts the day after a DST gap at midnight where midnight does not exist', () => {
    // Chile skips 00:00-01:00 on 2026-09-06.
    assert.equal(iso(localMidnight({ year: 2026, month: 9, day: 6 }, 'America/Santiago')), '2026-09-06T04:00:00.000Z');
  });

  it('moves to the next cycle at the exact second the cycle ends', () => {
    const end = new Date('2026-12-01T00:00:00Z');
    const last = cycleWindow(new Date(end.getTime() - 1), 1, 'UTC');
    assert.equal(iso(last.end), iso(end));
    const first = cycleWindow(end, 1, 'UTC');
    assert.equal(iso(first.start), iso(end));
    // In a zone east of UTC the local midnight is the day before in UTC.
    const tokyoEnd = new Date('2026-11-30T15:00:00Z');
    assert.equal(iso(cycleWindow(new Date(tokyoEnd.getTime() - 1000), 1, 'Asia/Tokyo').end), iso(tokyoEnd));
    assert.equal(iso(cycleWindow(tokyoEnd, 1, 'Asia/Tokyo').start), iso(tokyoEnd));
  });

  it('always contains the instant, starts on the clamped anchor day at local midnight, and tiles time', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Apia'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 31 }),
        fc.constantFrom(...zones),
        (now, anchor, zone) => {
          const w = cycleWindow(now, anchor, zone);
          assert.ok(w.start.getTime() <= now.getTime() && now.getTime() < w.end.getTime());
          const local = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(w.start);
          const part = (t: string) => Number(local.find((p) => p.type === t)!.value);
          assert.equal(part('day'), Math.min(anchor, daysInMonth(part('year'), part('month'))));
          assert.equal(iso(cycleWindow(w.end, anchor, zone).start), iso(w.end));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('counts add-on validity one year from purchase, February 29 to February 28', () => {
    assert.equal(iso(oneYearAfter(new Date('2026-11-21T10:00:00Z'))), '2027-11-21T10:00:00.000Z');
    assert.equal(iso(oneYearAfter(new Date('2028-02-29T10:00:00Z'))), '2029-02-28T10:00:00.000Z');
  });
});
