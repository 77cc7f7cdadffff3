import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';

/**
 * What the official `openai` client sends from a browser besides Authorization and
 * Content-Type (node_modules/openai: client.js, internal/detect-platform.js and the poll
 * helpers), so that the gateway at /v1 passes its preflight.
 */
export const OPENAI_SDK_HEADERS = [
  'OpenAI-Organization',
  'OpenAI-Project',
  'X-Stainless-Arch',
  'X-Stainless-Lang',
  'X-Stainless-OS',
  'X-Stainless-Package-Version',
  'X-Stainless-Runtime',
  'X-Stainless-Runtime-Version',
  'X-Stainless-Retry-Count',
  'X-Stainless-Timeout',
  'X-Stainless-Helper-Method',
  'X-Stainless-Poll-Helper',
  'X-Stainless-Custom-Poll-Interval',
];

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
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Credit-Operation', ...OPENAI_SDK_HEADERS],
    exposeHeaders: ['Retry-After', 'X-Credit-Charged', 'X-Credit-Receipt', 'X-Credit-Reserved', 'Idempotent-Replayed'],
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
