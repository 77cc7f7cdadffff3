import type { Hono } from 'hono';
import * as routes from '../../contract/routes.js';
import { API_BASE } from '../../contract/routes.js';
import type { AppEnv } from '../http/auth.js';
import { handle } from '../http/route.js';
import type { Ledger } from '../ledger/ledger.js';
import { WebhookEndpoints } from '../notifications/webhooks.js';
import { SpendControls } from './spend-controls.js';

/**
 * The admin routes of spend controls and webhooks (src/contract/routes-controls.ts), on `admin`:
 * the Hono app mounted at /api/v1/admin that checks the admin token. Thresholds, builder limits
 * (the default and each builder's own), and the webhook endpoints with their secrets and
 * delivery logs; inputs are parsed with the table's schemas (a path parameter that names
 * nothing is 404 naming what it would have named).
 */
export function mountSpendControlRoutes(admin: Hono<AppEnv>, ledger: Ledger): void {
  const webhooks = new WebhookEndpoints(ledger.store, ledger);
  const controls = new SpendControls(ledger.store, ledger);
  const base = `${API_BASE}/admin`;

  handle(admin, base, routes.getThresholds, (_, { params }) => controls.thresholds(params.id));
  handle(admin, base, routes.setThresholds, (_, { params, body }) => controls.setThresholds(params.id, body));
  handle(admin, base, routes.getBuilderLimits, (_, { params }) => controls.builderLimits(params.id));
  handle(admin, base, routes.setBuilderLimits, (_, { params, body }) => controls.setDefaultLimit(params.id, body));
  handle(admin, base, routes.setBuilderLimit, (_, { params, body }) => controls.setBuilderLimit(params.id, params.builder, body));
  handle(admin, base, routes.removeBuilderLimit, (_, { params }) => controls.removeBuilderLimit(params.id, params.builder));

  handle(admin, base, routes.createWebhook, (_, { params, body }) => webhooks.create(params.id, body));
  handle(admin, base, routes.listWebhooks, async (_, { params }) => ({ webhooks: await webhooks.list(params.id) }));
  handle(admin, base, routes.deleteWebhook, (_, { params }) => webhooks.remove(params.id, params.hookId));
  handle(admin, base, routes.rotateWebhookSecret, (_, { params }) => webhooks.rotateSecret(params.id, params.hookId));
  handle(admin, base, routes.listWebhookDeliveries, (_, { params, query }) => webhooks.deliveries(params.id, params.hookId, query));
}
