import * as z from 'zod/mini';
import { Credits, IdempotencyKey, IsoDateTime, PositiveCredits } from './credits.js';
import { OperationType } from './operations.js';

/** `block`: a hold beyond a builder's limit is refused (402 `builder_limit_reached`); `alert`: it notifies only. */
export const LimitMode = z.enum(['block', 'alert']);
export type LimitMode = z.infer<typeof LimitMode>;

/** The builder's own limit in `GET /balance`: "your limit: 120 of 200 used" (used = captured + held this cycle). */
export const BalanceBuilderLimit = z.object({ credits: Credits, used: Credits, mode: LimitMode });
export type BalanceBuilderLimit = z.infer<typeof BalanceBuilderLimit>;

/**
 * A threshold crossed this cycle and not yet recovered, in `GET /balance`: `monthly_percent`
 * (threshold: percent of the monthly credits used), `addon_below` (credits), `depleted` (0).
 */
export const BalanceAlert = z.object({
  kind: z.enum(['monthly_percent', 'addon_below', 'depleted']),
  threshold: z.number(),
  crossedAt: IsoDateTime,
});
export type BalanceAlert = z.infer<typeof BalanceAlert>;

export const Balance = z.object({
  /** monthly.available + addon.available */
  total: Credits,
  /** reserved by pending holds, not yet captured or released */
  held: Credits,
  monthly: z.object({
    allocated: Credits,
    available: Credits,
    renewsAt: z.nullable(IsoDateTime),
  }),
  addon: z.object({
    available: Credits,
    expiresAt: z.nullable(IsoDateTime),
  }),
  byok: z.boolean(),
  asOf: IsoDateTime,
  /** on GET /balance: the builder's limit this cycle, null when none applies */
  builderLimit: z.optional(z.nullable(BalanceBuilderLimit)),
  /** on GET /balance: the thresholds crossed this cycle and not recovered, oldest first */
  alerts: z.optional(z.array(BalanceAlert)),
});
export type Balance = z.infer<typeof Balance>;

export const HoldStatus = z.enum(['pending', 'captured', 'voided', 'expired']);
export type HoldStatus = z.infer<typeof HoldStatus>;

export const Hold = z.object({
  id: z.string(),
  status: HoldStatus,
  operation: OperationType,
  credits: Credits,
  fromMonthly: Credits,
  fromAddon: Credits,
  expiresAt: IsoDateTime,
  createdAt: IsoDateTime,
});
export type Hold = z.infer<typeof Hold>;

export const TokenUsage = z.object({
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().check(z.int(), z.nonnegative()),
  outputTokens: z.number().check(z.int(), z.nonnegative()),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const Receipt = z.object({
  id: z.string(),
  operation: OperationType,
  credits: Credits,
  fromMonthly: Credits,
  fromAddon: Credits,
  /** the balance right after this receipt */
  balance: Balance,
  createdAt: IsoDateTime,
  usage: z.optional(TokenUsage),
  /** what was shown before sending, where there was an estimate */
  estimate: z.optional(z.object({ expected: Credits, max: Credits })),
  /** true when the workspace's own key paid and no credits were debited */
  byok: z.optional(z.boolean()),
});
export type Receipt = z.infer<typeof Receipt>;

const ttlSeconds = z.number().check(z.int({ message: 'must be a whole number of seconds' }), z.minimum(1), z.maximum(3600));

export const CreateHoldRequest = z.strictObject({
  operation: OperationType,
  credits: PositiveCredits,
  idempotencyKey: IdempotencyKey,
  ttlSeconds: z.optional(ttlSeconds),
});
export type CreateHoldRequest = z.infer<typeof CreateHoldRequest>;

export const CaptureRequest = z.strictObject({ credits: Credits });
export type CaptureRequest = z.infer<typeof CaptureRequest>;

export const DebitRequest = z.strictObject({
  operation: OperationType,
  credits: PositiveCredits,
  idempotencyKey: IdempotencyKey,
  description: z.optional(z.string().check(z.maxLength(500))),
});
export type DebitRequest = z.infer<typeof DebitRequest>;

export const UsageEntry = z.object({
  id: z.string(),
  operation: OperationType,
  credits: Credits,
  fromMonthly: Credits,
  fromAddon: Credits,
  builder: z.string(),
  inputTokens: z.nullable(z.number()),
  outputTokens: z.nullable(z.number()),
  model: z.nullable(z.string()),
  byok: z.boolean(),
  description: z.nullable(z.string()),
  createdAt: IsoDateTime,
});
export type UsageEntry = z.infer<typeof UsageEntry>;

export const UsageQuery = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200))),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});
export type UsageQuery = z.infer<typeof UsageQuery>;

export const UsageResponse = z.object({
  entries: z.array(UsageEntry),
  nextCursor: z.nullable(z.string()),
});
export type UsageResponse = z.infer<typeof UsageResponse>;
