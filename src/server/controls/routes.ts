import { Hono } from 'hono';
import { CreateWebhookRequest, WebhookDeliveriesQuery } from '../../contract/index.js';
import { requireAdmin, type AppEnv } from '../http/auth.js';
import { parseBody, parseQuery, pathId } from '../http/validate.js';
import type { Ledger } from '../ledger/ledger.js';
import { WebhookEndpoints } from '../notifications/webhooks.js';

/**
 * The admin routes of spend controls and webhooks, under /api/v1/admin (admin token only):
 *
 *   POST   /workspaces/{id}/webhooks                         { url, events? } → { id, url, events, secret, ... }
 *   GET    /workspaces/{id}/webhooks                         → { webhooks: [...] } (no secrets)
 *   DELETE /workspaces/{id}/webhooks/{hookId}
 *   POST   /workspaces/{id}/webhooks/{hookId}/rotate-secret  → the endpoint with its new secret
 *   GET    /workspaces/{id}/webhooks/{hookId}/deliveries     ?limit&cursor&status → the delivery log
 */
export function spendControlRoutes(ledger: Ledger, adminToken: string | undefined): Hono<AppEnv> {
  const webhooks = new WebhookEndpoints(ledger.store, ledger);
  const admin = new Hono<AppEnv>();
  admin.use(requireAdmin(adminToken));
  const workspace = (c: Parameters<typeof pathId>[0]) => pathId(c, 'id', 'workspace');
  const hook = (c: Parameters<typeof pathId>[0]) => pathId(c, 'hookId', 'webhook');

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
