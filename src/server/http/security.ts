import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';

/**
 * CORS for the host pages allowed to call the API from the browser. No list: same-origin only
 * (no CORS headers at all). Credentials are never needed: tokens travel in Authorization.
 */
export function corsForHosts(allowedOrigins: readonly string[]): MiddlewareHandler {
  if (allowedOrigins.length === 0) return async (_c, next) => next();
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Credit-Operation'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
}

/** Security headers on every answer: the API's JSON and event streams are never framed or sniffed. */
export function apiSecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
  });
}

/** The origins allowed by CREDIT_CHAT_CORS_ORIGINS (comma-separated). */
export function originsFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}
