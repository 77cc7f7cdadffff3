import type { Hono } from 'hono';
import { API_BASE, deleteByok, getByok, putByok } from '../../contract/routes.js';
import type { AppEnv } from '../http/auth.js';
import { handle } from '../http/route.js';
import type { Ledger } from '../ledger/ledger.js';
import type { ByokStore } from './byok-store.js';

/**
 * PUT, GET and DELETE /byok. Any builder token of a workspace may set or remove its key:
 * the demo's settings panel does it from the widget; a host that wants only some builders
 * to may put its own check in front of these routes.
 */
export function mountByokRoutes(api: Hono<AppEnv>, byok: ByokStore, ledger: Ledger): void {
  handle(api, API_BASE, getByok, (c) => byok.status(c.get('builder').workspaceId));
  handle(api, API_BASE, putByok, async (c, { body }) => {
    const ctx = c.get('builder');
    const status = await byok.put(ctx, body);
    // the balance's `byok` flag and the chat's provider come from the cached token context
    ledger.forgetContexts(ctx.workspaceId);
    return status;
  });
  handle(api, API_BASE, deleteByok, async (c) => {
    const ctx = c.get('builder');
    const status = await byok.remove(ctx.workspaceId);
    ledger.forgetContexts(ctx.workspaceId);
    return status;
  });
}
