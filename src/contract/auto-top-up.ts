import * as z from 'zod/mini';
import { Credits, IsoDateTime } from './credits.js';

/**
 * Auto top-up of a workspace's add-on pool: when the pooled available balance falls to
 * `threshold` credits, `credits` are bought with the saved payment method, at most
 * `maxPerCycle` times per cycle. Off by default.
 */
export const AutoTopUpRequest = z.strictObject({
  enabled: z.boolean(),
  /** credits of the pooled available balance (monthly + add-on) */
  threshold: Credits,
  /** credits bought per top-up: a multiple of 100 */
  credits: z.number().check(
    z.int({ message: 'must be a whole number' }),
    z.positive({ message: 'must be greater than 0' }),
    z.multipleOf(100, { message: 'must be a multiple of 100' }),
    z.maximum(1_000_000, { message: 'must be at most 1000000' }),
  ),
  maxPerCycle: z.number().check(z.int({ message: 'must be a whole number' }), z.minimum(1), z.maximum(100)),
});
export type AutoTopUpRequest = z.infer<typeof AutoTopUpRequest>;

export const AutoTopUp = z.object({
  workspaceId: z.string(),
  enabled: z.boolean(),
  threshold: Credits,
  credits: z.number(),
  maxPerCycle: z.number(),
  /** the saved payment method that pays, or null until a builder saved one */
  paymentMethod: z.nullable(z.object({ provider: z.string(), id: z.string() })),
  /** automatic purchases this cycle */
  usedThisCycle: z.number(),
  /** why auto top-up turned itself off (a declined charge), else null */
  disabledReason: z.nullable(z.string()),
  updatedAt: z.nullable(IsoDateTime),
});
export type AutoTopUp = z.infer<typeof AutoTopUp>;

/** POST /auto-top-up/setup: where the builder saves a payment method (Stripe Checkout in setup mode). */
export const AutoTopUpSetupRequest = z.strictObject({ returnUrl: z.optional(z.url()) });
export type AutoTopUpSetupRequest = z.infer<typeof AutoTopUpSetupRequest>;
export const AutoTopUpSetup = z.object({
  /** the gateway's page that saves the card; the demo gateway saves its demo card at once and answers the returnUrl */
  url: z.string(),
  saved: z.boolean(),
});
export type AutoTopUpSetup = z.infer<typeof AutoTopUpSetup>;
