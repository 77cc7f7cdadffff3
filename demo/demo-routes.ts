import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { AddonRequest } from '../src/contract/index.js';
import { ApiError, type Ledger } from '../src/server/index.js';
import { invalidInput } from '../src/server/http/validate.js';
import type { DemoSession } from './seed.js';

const BuyRequest = z.strictObject({ credits: AddonRequest.shape.credits });

/**
 * Routes only the demo has, under /demo-api: the seeded builders and their tokens, and a
 * stand-in for the host's own purchase flow (a real host sells add-on credits its own way and
 * grants them through the admin API).
 */
export function demoRoutes(ledger: Ledger, session: DemoSession): Hono {
  const app = new Hono();
  app.get('/demo-api/session', (c) => c.json(session));
  app.post('/demo-api/buy-credits', async (c) => {
    const token = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const builder = token ? await ledger.authenticate(token) : null;
    if (!builder) throw new ApiError('unauthorized', 'A builder token is required.');
    const parsed = z.safeParse(BuyRequest, await c.req.json().catch(() => undefined));
    if (!parsed.success) throw invalidInput(parsed.error.issues);
    const grant = await ledger.addAddon(builder.workspaceId, { credits: parsed.data.credits, reference: `demo-purchase-${randomUUID()}` });
    return c.json(grant, 201);
  });
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(err.toBody(), err.status as 400);
    return c.json(new ApiError('internal', 'internal error').toBody(), 500);
  });
  return app;
}
