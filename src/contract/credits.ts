import * as z from 'zod/mini';

/**
 * Credits travel as JSON numbers with at most three decimals and are stored as
 * integer millicredits. The largest amount accepted keeps every millicredit sum
 * far inside Number.MAX_SAFE_INTEGER.
 */
export const MAX_CREDITS = 1_000_000_000;
export const MILLI_PER_CREDIT = 1000;

/** True when `value` is finite and written with at most three decimals. */
export function hasAtMostThreeDecimals(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const scaled = value * MILLI_PER_CREDIT;
  const rounded = Math.round(scaled);
  // A tiny non-zero amount (1e-320) would round to zero millicredits: it is not an amount.
  if (rounded === 0) return value === 0;
  // A decimal with at most three places scales to within one ulp of an integer;
  // anything further away has more places (0.0005 * 1000 = 0.5).
  return Math.abs(scaled - rounded) <= Number.EPSILON * Math.max(1, Math.abs(scaled)) * 4;
}

/** Credits as a whole number of millicredits. Throws on more than three decimals. */
export function toMillicredits(credits: number): number {
  if (!hasAtMostThreeDecimals(credits)) throw new RangeError(`not a credit amount: ${credits}`);
  return Math.round(credits * MILLI_PER_CREDIT);
}

/** Millicredits back to credits for the wire (exact: at most three decimals). */
export function fromMillicredits(millicredits: number): number {
  if (!Number.isSafeInteger(millicredits)) throw new RangeError(`not a millicredit amount: ${millicredits}`);
  return millicredits / MILLI_PER_CREDIT;
}

const creditBase = z.number().check(
  z.refine((v) => Number.isFinite(v), { message: 'must be a finite number' }),
  z.refine((v) => hasAtMostThreeDecimals(v), { message: 'must have at most 3 decimals' }),
  z.maximum(MAX_CREDITS, { message: `must be at most ${MAX_CREDITS}` }),
);

/** A credit amount of zero or more. */
export const Credits = creditBase.check(z.minimum(0, { message: 'must not be negative' }));
/** A credit amount above zero. */
export const PositiveCredits = creditBase.check(z.positive({ message: 'must be greater than 0' }));

export const IsoDateTime = z.iso.datetime({ offset: true });

export const IdempotencyKey = z
  .string()
  .check(
    z.minLength(8, { message: 'must be at least 8 characters' }),
    z.maxLength(128, { message: 'must be at most 128 characters' }),
    z.regex(/^[A-Za-z0-9_.:-]+$/, { message: 'may use only letters, digits and _ . : -' }),
  );
