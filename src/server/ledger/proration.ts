/**
 * License changes mid-cycle, as numbers. Pure: no clock, no database.
 *
 * A raise (more builders, or more credits per builder) grants the difference in monthly
 * credits for the part of the cycle still ahead, at once: difference × time left ÷ cycle
 * length, in millicredits, rounded down to the whole millicredit (so the grant never exceeds
 * the exact share). A cut grants nothing and takes effect when the next cycle opens.
 */
export interface ProrationInput {
  /** builders × credits per builder before the change, millicredits */
  oldMonthly: number;
  /** the same after the change, millicredits */
  newMonthly: number;
  cycleStart: Date;
  cycleEnd: Date;
  now: Date;
}

export interface Proration {
  effective: 'now' | 'next_cycle';
  /** millicredits granted at once (0 for a cut or no change) */
  granted: number;
}

export function prorate({ oldMonthly, newMonthly, cycleStart, cycleEnd, now }: ProrationInput): Proration {
  if (!Number.isSafeInteger(oldMonthly) || !Number.isSafeInteger(newMonthly) || oldMonthly < 0 || newMonthly < 0) {
    throw new RangeError('monthly amounts must be whole millicredits of 0 or more');
  }
  const length = cycleEnd.getTime() - cycleStart.getTime();
  if (!(length > 0)) throw new RangeError('the cycle must end after it starts');
  if (newMonthly <= oldMonthly) return { effective: 'next_cycle', granted: 0 };
  const left = Math.min(Math.max(cycleEnd.getTime() - now.getTime(), 0), length);
  // BigInt: difference × milliseconds overflows a double's exact integers for large licenses.
  const granted = (BigInt(newMonthly - oldMonthly) * BigInt(left)) / BigInt(length);
  return { effective: 'now', granted: Number(granted) };
}
