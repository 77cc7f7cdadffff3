import type { Hono } from 'hono';
import { getAutoTopUp, setAutoTopUp, setupAutoTopUp } from '../../contract/routes-auto-top-up.js';
import { API_BASE } from '../../contract/routes.js';
import type { AppEnv } from '../http/auth.js';
import { handle } from '../http/route.js';
import type { AutoTopUp } from './auto-top-up.js';
import { returnUrl } from './routes.js';

/** Admin: the workspace's auto top-up setting. */
export function mountAutoTopUpAdminRoutes(admin: Hono<AppEnv>, autoTopUp: AutoTopUp): void {
  handle(admin, `${API_BASE}/admin`, getAutoTopUp, (_, { params }) => autoTopUp.get(params.id));
  handle(admin, `${API_BASE}/admin`, setAutoTopUp, (_, { params, body }) => autoTopUp.set(params.id, body));
}

/** Builder: save a payment method for auto top-up (the same who-may-buy rule and return URLs as purchases). */
export function mountAutoTopUpRoutes(builder: Hono<AppEnv>, autoTopUp: AutoTopUp, allowedOrigins: readonly string[] = []): void {
  handle(builder, API_BASE, setupAutoTopUp, (c, { body }) => autoTopUp.setup(c.get('builder'), returnUrl(c, body.returnUrl, allowedOrigins)));
}
