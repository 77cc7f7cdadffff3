import * as z from 'zod/mini';

/** Every error code the API answers with, and its HTTP status. */
export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  /** the token was valid and has expired: mint a new one (distinct from unknown or revoked) */
  token_expired: 401,
  forbidden: 403,
  /** a browser request from an origin outside the workspace's allowed origins */
  origin_not_allowed: 403,
  not_found: 404,
  insufficient_credits: 402,
  builder_limit_reached: 402,
  hold_not_pending: 409,
  conflict: 409,
  payload_too_large: 413,
  idempotency_mismatch: 422,
  rate_limited: 429,
  too_many_streams: 429,
  provider_error: 502,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

export const ErrorBody = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    field: z.optional(z.string()),
    needed: z.optional(z.number()),
    available: z.optional(z.number()),
    retryAfter: z.optional(z.number()),
    status: z.optional(z.string()),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The field path of a zod issue as the API names it: `monthly.available`, `messages[2].content`. */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
