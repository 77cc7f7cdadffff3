import * as z from 'zod/mini';
import { Credits, IsoDateTime } from './credits.js';

/** A license change: a raise grants the prorated difference at once, a cut waits for the next cycle. */
export const LicenseChange = z.object({
  at: IsoDateTime,
  from: z.nullable(z.object({ builders: z.number(), creditsPerBuilder: Credits })),
  to: z.object({ builders: z.number(), creditsPerBuilder: Credits }),
  effective: z.enum(['now', 'next_cycle']),
  /** monthly credits granted at once for the rest of the cycle (rounded down to the millicredit) */
  prorated: Credits,
});
export type LicenseChange = z.infer<typeof LicenseChange>;

/** `GET /license`: the workspace's license as a builder sees it, and this cycle's changes. */
export const AccountLicense = z.object({
  builders: z.number(),
  creditsPerBuilder: Credits,
  cycleAnchorDay: z.number(),
  timeZone: z.string(),
  /** the billing cycle under way */
  cycle: z.object({ start: IsoDateTime, end: IsoDateTime }),
  changes: z.array(LicenseChange),
});
export type AccountLicense = z.infer<typeof AccountLicense>;
