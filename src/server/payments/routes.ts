import type { Context, Hono } from 'hono';
import { CreatePurchaseRequest, PurchaseQuoteQuery, PurchaseSettings, type PurchasesResponse } from '../../contract/index.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody, parseQuery, pathId } from '../http/validate.js';
import { DEMO_CHECKOUT_PATH, DemoGateway, demoCheckoutPages } from './demo-gateway.js';
import type { Purchases } from './purchases.js';

/**
 * Where the gateway sends the builder back: the returnUrl asked for, if its origin is the
 * caller's page, this server or an allowed host origin (never anywhere else: no open
 * redirect); without one, the calling page's origin.
 */
function returnUrl(c: Context, asked: string | undefined, allowedOrigins: readonly string[]): string {
  const server = new URL(c.req.url).origin;
  const caller = c.req.header('origin');
  const allowed = new Set([server, ...allowedOrigins, ...(caller && (caller === server || allowedOrigins.includes(caller)) ? [caller] : [])]);
  if (asked === undefined) return `${caller && allowed.has(caller) ? caller : server}/`;
  if (!allowed.has(new URL(asked).origin)) {
    throw new ApiError('invalid_input', 'returnUrl: must be on this server or an allowed host origin', { field: 'returnUrl' });
  }
  return asked;
}

/** Builder routes: quote, buy, list and follow purchases. */
export function mountPurchaseRoutes(builder: Hono<AppEnv>, purchases: Purchases, allowedOrigins: readonly string[] = []): void {
  builder.get('/purchases/quote', async (c) => {
    const query = parseQuery(c, PurchaseQuoteQuery);
    return c.json(await purchases.quote(query.credits, query.promoCode));
  });
  builder.post('/purchases', async (c) => {
    const body = await parseBody(c, CreatePurchaseRequest);
    const purchase = await purchases.create(c.get('builder'), { ...body, returnUrl: returnUrl(c, body.returnUrl, allowedOrigins) }, new URL(c.req.url).origin);
    return c.json(purchase, 201);
  });
  builder.get('/purchases', async (c) => c.json({ purchases: await purchases.list(c.get('builder')) } satisfies PurchasesResponse));
  builder.get('/purchases/:id', async (c) => c.json(await purchases.get(c.get('builder'), pathId(c, 'id', 'purchase'))));
}

/** Stripe's webhook (and the demo gateway's): the raw body, verified before anything is read. */
export function mountPaymentWebhook(api: Hono<AppEnv>, purchases: Purchases): void {
  api.post('/webhooks/stripe', async (c) => c.json(await purchases.receive(await c.req.text(), c.req.header('stripe-signature'))));
}

/** Admin: who may buy in a workspace. */
export function mountPurchaseAdminRoutes(admin: Hono<AppEnv>, purchases: Purchases): void {
  admin.put('/workspaces/:id/purchase-settings', async (c) => {
    const body = await parseBody(c, PurchaseSettings);
    return c.json(await purchases.setSettings(pathId(c, 'id', 'workspace'), body));
  });
}

/** The demo gateway's page, served with its own headers (so before the API's). */
export function mountDemoCheckout(app: Hono<AppEnv>, purchases: Purchases): void {
  if (purchases.provider instanceof DemoGateway) app.route(DEMO_CHECKOUT_PATH, demoCheckoutPages(purchases, purchases.provider));
}
