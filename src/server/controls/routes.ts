import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import {
  BuilderId,
  BuilderLimit,
  BuilderLimits,
  BuilderLimitsRequest,
  BuilderSpend,
  CreateWebhookRequest,
  Thresholds,
  ThresholdsRequest,
  WebhookDeliveriesQuery,
  WebhookDeliveriesResponse,
  WebhookEndpoint,
  WebhookEndpointsResponse,
  WebhookEndpointWithSecret,
} from '../../contract/index.js';
import { ApiError } from '../errors.js';
import { requireAdmin, type AppEnv } from '../http/auth.js';
import { parseBody, parseQuery, pathId } from '../http/validate.js';
import type { Ledger } from '../ledger/ledger.js';
import { WebhookEndpoints } from '../notifications/webhooks.js';
import { SpendControls } from './spend-controls.js';

/** A builder named in a path, as tokens name them; anything else names no builder: 404. */
function pathBuilder(c: Context): string {
  const parsed = z.safeParse(BuilderId, c.req.param('builder') ?? '');
  if (!parsed.success) throw new ApiError('not_found', 'builder not found');
  return parsed.data;
}

/**
 * The routes below as the OpenAPI document (openapi.ts ROUTES) describes routes, paths under
 * /api/v1, for the route table to take in.
 */
export const SPEND_CONTROL_ROUTES = [
  { method: 'get', path: '/admin/workspaces/{id}/thresholds', summary: 'The thresholds that notify', response: Thresholds, admin: true },
  { method: 'put', path: '/admin/workspaces/{id}/thresholds', summary: 'Replace the thresholds (left out: the default)', body: ThresholdsRequest, response: Thresholds, admin: true },
  { method: 'get', path: '/admin/workspaces/{id}/builder-limits', summary: "The default builder limit, and each builder's limit and use this cycle", response: BuilderLimits, admin: true },
  { method: 'put', path: '/admin/workspaces/{id}/builder-limits', summary: 'Set the default builder limit', body: BuilderLimitsRequest, response: BuilderLimits, admin: true },
  { method: 'put', path: '/admin/workspaces/{id}/builders/{builder}/limit', summary: "Set a builder's own limit", body: BuilderLimit, response: BuilderSpend, admin: true },
  { method: 'delete', path: '/admin/workspaces/{id}/builders/{builder}/limit', summary: "Remove a builder's own limit", response: BuilderSpend, admin: true },
  { method: 'post', path: '/admin/workspaces/{id}/webhooks', summary: 'Add a webhook endpoint (answers its secret, once)', body: CreateWebhookRequest, response: WebhookEndpointWithSecret, admin: true },
  { method: 'get', path: '/admin/workspaces/{id}/webhooks', summary: 'The webhook endpoints', response: WebhookEndpointsResponse, admin: true },
  { method: 'delete', path: '/admin/workspaces/{id}/webhooks/{hookId}', summary: 'Remove a webhook endpoint', response: WebhookEndpoint, admin: true },
  { method: 'post', path: '/admin/workspaces/{id}/webhooks/{hookId}/rotate-secret', summary: "Rotate an endpoint's secret", response: WebhookEndpointWithSecret, admin: true },
  { method: 'get', path: '/admin/workspaces/{id}/webhooks/{hookId}/deliveries', summary: "An endpoint's delivery log", response: WebhookDeliveriesResponse, admin: true },
] as const;

/**
 * The admin routes of spend controls and webhooks, under /api/v1/admin (admin token only):
 *
 *   GET    /workspaces/{id}/thresholds
 *   PUT    /workspaces/{id}/thresholds                       { monthlyPercents?, addonBelow?, expiringDays? }
 *   GET    /workspaces/{id}/builder-limits                   → default, and each builder's limit and use
 *   PUT    /workspaces/{id}/builder-limits                   { default: { credits, mode } | null }
 *   PUT    /workspaces/{id}/builders/{builder}/limit         { credits, mode } (an override)
 *   DELETE /workspaces/{id}/builders/{builder}/limit         removes the override
 *
 *   POST   /workspaces/{id}/webhooks                         { url, events? } → { id, url, events, secret, ... }
 *   GET    /workspaces/{id}/webhooks                         → { webhooks: [...] } (no secrets)
 *   DELETE /workspaces/{id}/webhooks/{hookId}
 *   POST   /workspaces/{id}/webhooks/{hookId}/rotate-secret  → the endpoint with its new secret
 *   GET    /workspaces/{id}/webhooks/{hookId}/deliveries     ?limit&cursor&status → the delivery log
 */
export function spendControlRoutes(ledger: Ledger, adminToken: string | undefined): Hono<AppEnv> {
  const webhooks = new WebhookEndpoints(ledger.store, ledger);
  const controls = new SpendControls(ledger.store, ledger);
  const admin = new Hono<AppEnv>();
  admin.use(requireAdmin(adminToken));
  const workspace = (c: Context) => pathId(c, 'id', 'workspace');
  const hook = (c: Context) => pathId(c, 'hookId', 'webhook');

  admin.get('/workspaces/:id/thresholds', async (c) => c.json(await controls.thresholds(workspace(c))));
  admin.put('/workspaces/:id/thresholds', async (c) => {
    const body = await parseBody(c, ThresholdsRequest);
    return c.json(await controls.setThresholds(workspace(c), body));
  });
  admin.get('/workspaces/:id/builder-limits', async (c) => c.json(await controls.builderLimits(workspace(c))));
  admin.put('/workspaces/:id/builder-limits', async (c) => {
    const body = await parseBody(c, BuilderLimitsRequest);
    return c.json(await controls.setDefaultLimit(workspace(c), body));
  });
  admin.put('/workspaces/:id/builders/:builder/limit', async (c) => {
    const body = await parseBody(c, BuilderLimit);
    return c.json(await controls.setBuilderLimit(workspace(c), pathBuilder(c), body));
  });
  admin.delete('/workspaces/:id/builders/:builder/limit', async (c) => c.json(await controls.removeBuilderLimit(workspace(c), pathBuilder(c))));

  admin.post('/workspaces/:id/webhooks', async (c) => {
    const body = await parseBody(c, CreateWebhookRequest);
    return c.json(await webhooks.create(workspace(c), body), 201);
  });
  admin.get('/workspaces/:id/webhooks', async (c) => c.json({ webhooks: await webhooks.list(workspace(c)) }));
  admin.delete('/workspaces/:id/webhooks/:hookId', async (c) => c.json(await webhooks.remove(workspace(c), hook(c))));
  admin.post('/workspaces/:id/webhooks/:hookId/rotate-secret', async (c) => c.json(await webhooks.rotateSecret(workspace(c), hook(c))));
  admin.get('/workspaces/:id/webhooks/:hookId/deliveries', async (c) =>
    c.json(await webhooks.deliveries(workspace(c), hook(c), parseQuery(c, WebhookDeliveriesQuery))),
  );
  return admin;
}
