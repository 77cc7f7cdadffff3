import type { Context, Hono } from 'hono';
import * as routes from '../../contract/routes.js';
import type { PurchasesResponse } from '../../contract/index.js';
import { API_BASE } from '../../contract/routes.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/auth.js';
import { handle } from '../http/route.js';
import { DEMO_CHECKOUT_PATH, DemoGateway, demoCheckoutPages } from './demo-gateway.js';
import type { Purchases } from './purchases.js';

/**
 * Where the gateway sends the builder back: the returnUrl asked for, if its origin is the
 * caller's page, this server or an allowed host origin (never anywhere else: no open
 * redirect); without one, the calling page's origin.
 */
export function returnUrl(c: Context, asked: string | undefined, allowedOrigins: readonly string[]): string {
  const server = new URL(c.req.url).origin;
  const caller = c.req.header('origin');
  const allowed = new Set([server, ...allowedOrigins, ...(caller && (caller === server || allowedOrigins.includes(caller)) ? [caller] : [])]);
  if (asked === undefined) return `${caller && allowed.has(caller) ? caller : server}/`;
  if (!allowed.has(new URL(asked).origin)) {
    throw new ApiError('invalid_input', 'returnUrl: must be on this server or an allowed host origin', { field: 'returnUrl' });
  }
  return asked;
}

/** Builder routes: quote, buy, list and follow purchases (the quote before `{id}`, which would match it). */
export function mountPurchaseRoutes(builder: Hono<AppEnv>, purchases: Purchases, allowedOrigins: readonly string[] = []): void {
  handle(builder, API_BASE, routes.quotePurchase, (_, { query }) => purchases.quote(query.credits, query.promoCode));
  handle(builder, API_BASE, routes.createPurchase, (c, { body }) =>
    purchases.create(c.get('builder'), { ...body, returnUrl: returnUrl(c, body.returnUrl, allowedOrigins) }, new URL(c.req.url).origin),
  );
  handle(builder, API_BASE, routes.listPurchases, async (c) => ({ purchases: await purchases.list(c.get('builder')) }) satisfies PurchasesResponse);
  handle(builder, API_BASE, routes.getPurchase, (c, { params }) => purchases.get(c.get('builder'), params.id));
}

/** Stripe's webhook (and the demo gateway's): the raw body, verified before anything is read. */
export function mountPaymentWebhook(api: Hono<AppEnv>, purchases: Purchases): void {
  handle(api, API_BASE, routes.receiveStripeWebhook, (_, { body, headers }) => purchases.receive(body, headers['stripe-signature']));
}

/** Admin: who may buy in a workspace. */
export function mountPurchaseAdminRoutes(admin: Hono<AppEnv>, purchases: Purchases): void {
  handle(admin, `${API_BASE}/admin`, routes.setPurchaseSettings, (_, { params, body }) => purchases.setSettings(params.id, body));
}

/** The demo gateway's page, served with its own headers (so before the API's). */
export function mountDemoCheckout(app: Hono<AppEnv>, purchases: Purchases): void {
  if (purchases.provider instanceof DemoGateway) app.route(DEMO_CHECKOUT_PATH, demoCheckoutPages(purchases, purchases.provider));
}
