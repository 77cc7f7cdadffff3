import type { Hono } from 'hono';
import { PutByokRequest } from '../../contract/index.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody } from '../http/validate.js';
import type { Ledger } from '../ledger/ledger.js';
import type { ByokStore } from './byok-store.js';

/**
 * PUT, GET and DELETE /byok. Any builder token of a workspace may set or remove its key:
 * the demo's settings panel does it from the widget; a host that wants only some builders
 * to may put its own check in front of these routes.
 */
export function mountByokRoutes(api: Hono<AppEnv>, byok: ByokStore, ledger: Ledger): void {
  api.get('/byok', async (c) => c.json(await byok.status(c.get('builder').workspaceId)));
  api.put('/byok', async (c) => {
    const ctx = c.get('builder');
    const status = await byok.put(ctx, await parseBody(c, PutByokRequest));
    // the balance's `byok` flag and the chat's provider come from the cached token context
    ledger.forgetContexts(ctx.workspaceId);
    return c.json(status);
  });
  api.delete('/byok', async (c) => {
    const ctx = c.get('builder');
    const status = await byok.remove(ctx.workspaceId);
    ledger.forgetContexts(ctx.workspaceId);
    return c.json(status);
  });
}
