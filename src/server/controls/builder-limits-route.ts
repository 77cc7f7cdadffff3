import type { Hono } from 'hono';
import type { BuilderLimits } from '../../contract/index.js';
import { API_BASE } from '../../contract/route-def.js';
import { listBuilderLimits } from '../../contract/routes-builder-limits.js';
import type { AppEnv } from '../http/auth.js';
import { handle } from '../http/route.js';
import type { Ledger } from '../ledger/ledger.js';
import { SpendControls } from './spend-controls.js';

/**
 * GET /builder-limits for `<credit-account>`, which runs with a builder's token: a token with
 * the `billing` role (the one that may buy for the workspace) reads every builder's row, any
 * other token only its own, so builders do not see each other's use.
 */
export function mountBuilderLimitsRoute(builder: Hono<AppEnv>, ledger: Ledger): void {
  const controls = new SpendControls(ledger.store, ledger);
  handle(builder, API_BASE, listBuilderLimits, async (c): Promise<BuilderLimits> => {
    const ctx = c.get('builder');
    const limits = await controls.builderLimits(ctx.workspaceId);
    if (ctx.roles?.includes('billing')) return limits;
    return { ...limits, builders: limits.builders.filter((b) => b.builder === ctx.builder) };
  });
}
