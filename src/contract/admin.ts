import * as z from 'zod/mini';
import { Credits, IsoDateTime, PositiveCredits } from './credits.js';
import { TokenRole } from './purchases.js';

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().check(
  z.maxLength(64),
  z.refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
);

const name = z.string().check(z.minLength(1, { message: 'must not be empty' }), z.maxLength(200));
export const BuilderId = z.string().check(
  z.minLength(1, { message: 'must not be empty' }),
  z.maxLength(64),
  z.regex(/^[A-Za-z0-9_.@-]+$/, { message: 'may use only letters, digits and _ . @ -' }),
);

export const CreateWorkspaceRequest = z.strictObject({ name, timeZone: z.optional(TimeZone) });
export const CreateWorkspaceResponse = z.object({ id: z.string() });

export const LicenseRequest = z.strictObject({
  builders: z.number().check(z.int({ message: 'must be a whole number' }), z.minimum(1), z.maximum(100_000)),
  creditsPerBuilder: Credits,
  cycleAnchorDay: z.number().check(z.int({ message: 'must be a whole number' }), z.minimum(1), z.maximum(31)),
});
export const License = z.object({
  workspaceId: z.string(),
  builders: z.number(),
  creditsPerBuilder: Credits,
  cycleAnchorDay: z.number(),
  timeZone: z.string(),
  updatedAt: IsoDateTime,
  /** what this change did: a raise mid-cycle grants the prorated difference now, a cut waits for the next cycle */
  change: z.optional(z.nullable(z.object({ effective: z.enum(['now', 'next_cycle']), prorated: Credits }))),
});

export const AddonRequest = z.strictObject({
  credits: PositiveCredits.check(
    z.refine((v) => Number.isInteger(v) && v % 100 === 0, { message: 'must be a multiple of 100' }),
  ),
  reference: z.string().check(z.minLength(1, { message: 'must not be empty' }), z.maxLength(128)),
});
export const AddonGrant = z.object({
  id: z.string(),
  credits: Credits,
  reference: z.string(),
  purchasedAt: IsoDateTime,
  /** validity of the whole add-on pool after this purchase */
  expiresAt: IsoDateTime,
});

/** Lifetime of a token minted over HTTP: 15 minutes unless `ttlSeconds` asks otherwise (1 s … 30 days). */
export const DEFAULT_TOKEN_TTL_SECONDS = 15 * 60;
export const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
export const IssueTokenRequest = z.strictObject({
  builder: BuilderId,
  ttlSeconds: z.optional(
    z.number().check(z.int({ message: 'must be a whole number' }), z.minimum(1), z.maximum(MAX_TOKEN_TTL_SECONDS)),
  ),
  roles: z.optional(
    z.array(TokenRole).check(
      z.maxLength(16),
      z.refine((roles) => new Set(roles).size === roles.length, { message: 'must not repeat a role' }),
    ),
  ),
});
export const IssueTokenResponse = z.object({
  token: z.string(),
  builder: z.string(),
  workspaceId: z.string(),
  /** null only for the CLI's long-lived tokens */
  expiresAt: z.nullable(IsoDateTime),
  roles: z.array(z.string()),
});

/** `scheme://host[:port]`, where host may start with `*.` (any subdomain, at the left only). */
const ORIGIN = /^(https?):\/\/(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$/;
export const AllowedOrigin = z.string().check(
  z.maxLength(260),
  z.refine((v) => ORIGIN.test(v) && !(v.startsWith('*') || /:\/\/\*\.[^.]+(:\d+)?$/.test(v)), {
    message: 'must be scheme://host[:port] in lowercase, with *. only as the leftmost label of a domain with at least two labels',
  }),
);
export const OriginsRequest = z.strictObject({ origins: z.array(AllowedOrigin).check(z.maxLength(100)) });
export const OriginsResponse = z.object({ workspaceId: z.string(), origins: z.array(z.string()) });

export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequest>;
export type LicenseRequest = z.infer<typeof LicenseRequest>;
export type License = z.infer<typeof License>;
export type AddonRequest = z.infer<typeof AddonRequest>;
export type AddonGrant = z.infer<typeof AddonGrant>;
export type IssueTokenRequest = z.infer<typeof IssueTokenRequest>;
export type IssueTokenResponse = z.infer<typeof IssueTokenResponse>;
export type OriginsRequest = z.infer<typeof OriginsRequest>;
export type OriginsResponse = z.infer<typeof OriginsResponse>;
