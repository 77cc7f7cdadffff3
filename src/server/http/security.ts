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
export function corsForHosts(
  allowedOrigins: readonly string[],
  /** the origins allowed by any workspace (PUT /admin/workspaces/{id}/origins), read per request */
  workspaceOrigins?: () => Promise<readonly string[]>,
): MiddlewareHandler {
  if (allowedOrigins.length === 0 && !workspaceOrigins) return async (_c, next) => next();
  const allowed = new Set(allowedOrigins);
  const withCors = cors({
    // A preflight carries no token, so it is answered for an origin that the operator or ANY
    // workspace allows; the real request is then checked against its own workspace's list
    // (requireBuilder: 403 origin_not_allowed).
    origin: async (origin) => {
      if (allowed.has(origin)) return origin;
      return workspaceOrigins && originAllowed(origin, await workspaceOrigins()) ? origin : null;
    },
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Credit-Operation', ...OPENAI_SDK_HEADERS],
    exposeHeaders: ['Retry-After', 'X-Credit-Charged', 'X-Credit-Receipt', 'X-Credit-Reserved', 'Idempotent-Replayed'],
    maxAge: 600,
  });
  // A request without Origin is not a cross-origin one (a server, curl, or a same-origin GET),
  // so it gets no CORS headers. Skipping the middleware for it also keeps Hono's fast path: the
  // middleware touches `c.res` before the handler runs, which makes @hono/node-server build a
  // web Response with a ReadableStream body for every answer (a third of a hold's server CPU).
  return async (c, next) => (c.req.header('origin') === undefined ? next() : withCors(c, next));
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

/**
 * Whether `origin` (as a browser sends it: `scheme://host[:port]`) is in `list`, whose entries
 * are exact origins or `scheme://*.domain[:port]`, matching any subdomain of domain (at any
 * depth, never domain itself), with the same scheme and port.
 */
export function originAllowed(origin: string, list: readonly string[]): boolean {
  const asked = origin.toLowerCase();
  for (const entry of list) {
    if (entry === asked) return true;
    const star = entry.indexOf('://*.');
    if (star < 0) continue;
    const scheme = entry.slice(0, star + 3);
    const rest = entry.slice(star + 4); // ".example.com[:port]"
    if (!asked.startsWith(scheme) || !asked.endsWith(rest)) continue;
    const label = asked.slice(scheme.length, asked.length - rest.length);
    if (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(label) && !label.includes('..')) return true;
  }
  return false;
}
