import * as z from 'zod/mini';
import { Credits, IsoDateTime, PositiveCredits } from './credits.js';
import { LimitMode } from './ledger.js';

/** Spend controls of a workspace: thresholds that notify, and per-builder limits from the pool. */

const int = (min: number, max: number) =>
  z.number().check(z.int({ message: 'must be a whole number' }), z.minimum(min), z.maximum(max));
const distinct = <T>(list: readonly T[]) => new Set(list).size === list.length;

export const DEFAULT_MONTHLY_PERCENTS = [75, 90, 100] as const;
export const DEFAULT_EXPIRING_DAYS = [30, 7] as const;

/**
 * PUT /admin/workspaces/{id}/thresholds replaces the workspace's thresholds; what is left out
 * takes its default (75/90/100 %, no add-on floor, 30 and 7 days). An empty list turns a kind off.
 */
export const ThresholdsRequest = z.strictObject({
  /** percents of the cycle's monthly credits used */
  monthlyPercents: z.optional(
    z.array(int(1, 100)).check(z.maxLength(10), z.refine(distinct, { message: 'must not repeat a percent' })),
  ),
  /** the add-on pool falling below this many credits */
  addonBelow: z.optional(z.nullable(PositiveCredits)),
  /** days before the add-on pool's expiry */
  expiringDays: z.optional(
    z.array(int(1, 365)).check(z.maxLength(10), z.refine(distinct, { message: 'must not repeat a day count' })),
  ),
});
export type ThresholdsRequest = z.infer<typeof ThresholdsRequest>;

export const Thresholds = z.object({
  workspaceId: z.string(),
  monthlyPercents: z.array(z.number()),
  addonBelow: z.nullable(Credits),
  expiringDays: z.array(z.number()),
  updatedAt: z.nullable(IsoDateTime),
});
export type Thresholds = z.infer<typeof Thresholds>;

/** Credits a builder may use per cycle (captured + held), carved from the workspace's pool. */
export const BuilderLimit = z.strictObject({ credits: Credits, mode: LimitMode });
export type BuilderLimit = z.infer<typeof BuilderLimit>;

/** PUT /admin/workspaces/{id}/builder-limits: the default every builder without an override gets; null for none. */
export const BuilderLimitsRequest = z.strictObject({ default: z.nullable(BuilderLimit) });
export type BuilderLimitsRequest = z.infer<typeof BuilderLimitsRequest>;

export const BuilderSpend = z.object({
  builder: z.string(),
  /** the limit that applies to this builder, null for none */
  limit: z.nullable(z.object({ credits: Credits, mode: LimitMode, source: z.enum(['override', 'default']) })),
  /** captured + held this cycle */
  used: Credits,
});
export type BuilderSpend = z.infer<typeof BuilderSpend>;

/** The builder limits of a workspace: the default, and every builder with a token or an override. */
export const BuilderLimits = z.object({
  workspaceId: z.string(),
  default: z.nullable(BuilderLimit),
  builders: z.array(BuilderSpend),
});
export type BuilderLimits = z.infer<typeof BuilderLimits>;
