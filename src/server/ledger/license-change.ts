import { fromMillicredits, toMillicredits, type License, type LicenseRequest } from '../../contract/index.js';
import { ApiError } from '../errors.js';
import type { Store } from '../store/store.js';
import { cycleWindow } from './cycle.js';
import { prorate } from './proration.js';

interface Current {
  time_zone: string;
  builders: number | null;
  credits_per_builder: string | number | null;
  cycle_anchor_day: number | null;
}

export type LicenseResult = License & { change: { effective: 'now' | 'next_cycle'; prorated: number } | null };

/**
 * Sets a workspace's license. Mid-cycle, a raise grants the prorated difference to this
 * cycle's monthly grant at once; a cut takes effect when the next cycle opens (see
 * proration.ts and docs/ledger.md). One statement (cc_change_license); if another change won
 * the race, the proration is computed again from the license it left.
 */
export async function changeLicense(store: Store, now: Date, workspaceId: string, input: LicenseRequest): Promise<LicenseResult> {
  const newCpb = toMillicredits(input.creditsPerBuilder);
  for (let attempt = 0; attempt < 5; attempt++) {
    const rows = await store.query<Current>(
      `SELECT w.time_zone, l.builders, l.credits_per_builder, l.cycle_anchor_day
       FROM workspaces w LEFT JOIN licenses l ON l.workspace_id = w.id WHERE w.id = $1`,
      [workspaceId],
    );
    const current = rows[0];
    if (!current) throw new ApiError('not_found', 'workspace not found');
    const oldBuilders = current.builders === null ? null : Number(current.builders);
    const oldCpb = current.credits_per_builder === null ? null : Number(current.credits_per_builder);
    // The cycle under way is the one of the license as it is (its anchor day).
    const window = current.cycle_anchor_day === null ? null : cycleWindow(now, Number(current.cycle_anchor_day), current.time_zone);
    let effective: 'now' | 'next_cycle' = 'next_cycle';
    let prorated = 0;
    if (window && oldBuilders !== null && oldCpb !== null && Number(current.cycle_anchor_day) === input.cycleAnchorDay) {
      const result = prorate({
        oldMonthly: oldBuilders * oldCpb,
        newMonthly: input.builders * newCpb,
        cycleStart: window.start,
        cycleEnd: window.end,
        now,
      });
      effective = result.effective;
      prorated = result.granted;
    }
    const [{ outcome }] = (await store.query<{ outcome: { status: number; prorated?: number; timeZone?: string } }>(
      'SELECT cc_change_license($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS outcome',
      [workspaceId, oldBuilders, oldCpb, input.builders, newCpb, input.cycleAnchorDay, effective, prorated, now, window?.start ?? null, window?.end ?? null],
    )) as [{ outcome: { status: number; prorated?: number; timeZone?: string } }];
    if (outcome.status === 409) continue;
    if (outcome.status !== 200) throw new ApiError('not_found', 'workspace not found');
    return {
      workspaceId,
      ...input,
      timeZone: outcome.timeZone ?? current.time_zone,
      updatedAt: now.toISOString(),
      change: oldBuilders === null ? null : { effective, prorated: fromMillicredits(Number(outcome.prorated ?? 0)) },
    };
  }
  throw new ApiError('internal', 'the license kept changing; try again');
}
