import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { BuilderContext, Ledger } from '../ledger/ledger.js';
import { originAllowed } from './security.js';

export type AppEnv = {
  Variables: {
    builder: BuilderContext;
    /**
     * a metered request's admission by the per-builder limits, decided while its pipeline claims
     * the idempotency key: resolves when admitted, rejects with the 429 (src/server/http/limits.ts)
     */
    admitted?: Promise<void>;
  };
};

function bearer(c: Context): string {
  const header = c.req.header('authorization');
  if (!header) throw new ApiError('unauthorized', 'A bearer token is required (Authorization: Bearer <token>).');
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header.trim());
  if (!match) throw new ApiError('unauthorized', 'The Authorization header is not a bearer token.');
  return match[1]!;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function isAdminToken(token: string, adminToken: string | undefined): boolean {
  return !!adminToken && timingSafeEqual(digest(token), digest(adminToken));
}

/** Builder routes: the token names one workspace and one builder. */
export function requireBuilder(ledger: Ledger, adminToken: string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c);
    const builder = await ledger.authenticate(token);
    if (!builder) {
      if (isAdminToken(token, adminToken)) {
        throw new ApiError('forbidden', 'The admin token cannot act as a builder; issue a builder token.');
      }
      throw new ApiError('unauthorized', 'The token is unknown or revoked.');
    }
    // A browser (it sends Origin) from outside the workspace's list is refused before the
    // handler reads or writes anything; servers send no Origin and pass. No list: no check here.
    const origin = c.req.header('origin');
    if (origin !== undefined && builder.allowedOrigins?.length && !originAllowed(origin, builder.allowedOrigins)) {
      throw new ApiError('origin_not_allowed', `The origin ${origin.slice(0, 100)} is not allowed for this workspace.`);
    }
    c.set('builder', builder);
    await next();
  };
}

/** Admin routes: only the token from CREDIT_CHAT_ADMIN_TOKEN. */
export function requireAdmin(adminToken: string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c);
    if (!adminToken) throw new ApiError('forbidden', 'The admin API is off: set CREDIT_CHAT_ADMIN_TOKEN to use it.');
    if (!isAdminToken(token, adminToken)) throw new ApiError('forbidden', 'This route needs the admin token.');
    await next();
  };
}
