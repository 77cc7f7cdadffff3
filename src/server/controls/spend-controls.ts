import {
  fromMillicredits,
  toMillicredits,
  type BuilderLimit,
  type BuilderLimits,
  type BuilderLimitsRequest,
  type BuilderSpend,
  type LimitMode,
  type Thresholds,
  type ThresholdsRequest,
} from '../../contract/index.js';
import { DEFAULT_EXPIRING_DAYS, DEFAULT_MONTHLY_PERCENTS } from '../../contract/spend-controls.js';
import { ApiError } from '../errors.js';
import { cycleWindow } from '../ledger/cycle.js';
import type { Clock } from '../ledger/ledger.js';
import type { SqlClient, Store } from '../store/store.js';

interface ControlsRow {
  monthly_percents: number[];
  addon_below: number | null;
  expiring_days: number[];
  limit_credits: number | null;
  limit_mode: LimitMode | null;
  thresholds_updated_at: string | null;
}

interface SpendRow {
  builder: string;
  o_credits: number | null;
  o_mode: LimitMode | null;
  used: number;
}

const c = fromMillicredits;

/**
 * Thresholds and per-builder limits of workspaces (admin API and CLI), and the sweep that
 * sends the add-on pool's expiry notices. What they control happens in the ledger's own
 * statements (controls/schema.ts); these only configure it, each change in one transaction
 * with the workspace locked, as the ledger locks it.
 */
export class SpendControls {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async thresholds(workspaceId: string): Promise<Thresholds> {
    return this.store.transaction(async (tx) => this.readThresholds(tx, workspaceId));
  }

  /** Replaces the thresholds (what is left out takes its default) and reschedules the expiry notices. */
  async setThresholds(workspaceId: string, input: ThresholdsRequest): Promise<Thresholds> {
    const now = this.clock.now();
    const percents = [...(input.monthlyPercents ?? DEFAULT_MONTHLY_PERCENTS)].sort((a, b) => a - b);
    const days = [...(input.expiringDays ?? DEFAULT_EXPIRING_DAYS)].sort((a, b) => b - a);
    const floor = input.addonBelow == null ? null : toMillicredits(input.addonBelow);
    return this.store.transaction(async (tx) => {
      await this.lock(tx, workspaceId);
      await tx.query(
        `UPDATE spend_controls SET monthly_percents = $2::integer[], addon_below = $3, expiring_days = $4::integer[], thresholds_updated_at = $5
         WHERE workspace_id = $1`,
        [workspaceId, percents, floor, days, now],
      );
      await tx.query('SELECT cc_schedule_notices($1, $2)', [workspaceId, now]);
      return this.readThresholds(tx, workspaceId);
    });
  }

  async builderLimits(workspaceId: string): Promise<BuilderLimits> {
    return this.store.transaction(async (tx) => {
      await this.prepare(tx, workspaceId);
      return this.readLimits(tx, workspaceId);
    });
  }

  /** Sets the default limit of every builder without an override; null for none. */
  async setDefaultLimit(workspaceId: string, input: BuilderLimitsRequest): Promise<BuilderLimits> {
    return this.store.transaction(async (tx) => {
      await this.prepare(tx, workspaceId);
      await tx.query('UPDATE spend_controls SET limit_credits = $2, limit_mode = $3 WHERE workspace_id = $1', [
        workspaceId,
        input.default ? toMillicredits(input.default.credits) : null,
        input.default?.mode ?? null,
      ]);
      await tx.query('SELECT cc_limits_changed($1)', [workspaceId]);
      return this.readLimits(tx, workspaceId);
    });
  }

  /** Sets a builder's own limit (an override of the default). */
  async setBuilderLimit(workspaceId: string, builder: string, input: BuilderLimit): Promise<BuilderSpend> {
    return this.store.transaction(async (tx) => {
      await this.prepare(tx, workspaceId);
      await tx.query(
        `INSERT INTO builder_limits (workspace_id, builder, credits, mode, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, builder) DO UPDATE SET credits = EXCLUDED.credits, mode = EXCLUDED.mode, updated_at = EXCLUDED.updated_at`,
        [workspaceId, builder, toMillicredits(input.credits), input.mode, this.clock.now()],
      );
      await tx.query('SELECT cc_limits_changed($1)', [workspaceId]);
      return this.readBuilder(tx, workspaceId, builder);
    });
  }

  /** Removes a builder's override: the default applies again. */
  async removeBuilderLimit(workspaceId: string, builder: string): Promise<BuilderSpend> {
    return this.store.transaction(async (tx) => {
      await this.prepare(tx, workspaceId);
      const removed = await tx.query('DELETE FROM builder_limits WHERE workspace_id = $1 AND builder = $2 RETURNING builder', [workspaceId, builder]);
      if (!removed[0]) throw new ApiError('not_found', 'this builder has no limit of its own');
      await tx.query('SELECT cc_limits_changed($1)', [workspaceId]);
      return this.readBuilder(tx, workspaceId, builder);
    });
  }

  /** Sends the add-on expiry notices that have come due, one short transaction per workspace. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.query<{ workspace_id: string }>('SELECT DISTINCT workspace_id FROM spend_notices WHERE due_at <= $1', [now]);
    for (const { workspace_id } of due) await this.store.query('SELECT cc_send_notices($1, $2)', [workspace_id, now]);
    return due.length;
  }

  /** Locks the workspace row, as every ledger change does; 404 when there is none. */
  private async lock(tx: SqlClient, workspaceId: string): Promise<void> {
    const rows = await tx.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
  }

  /** Locks the workspace and brings it to the current cycle, as a builder's request would. */
  private async prepare(tx: SqlClient, workspaceId: string): Promise<void> {
    const now = this.clock.now();
    const rows = await tx.query<{ time_zone: string; cycle_anchor_day: number | null }>(
      'SELECT w.time_zone, l.cycle_anchor_day FROM workspaces w LEFT JOIN licenses l ON l.workspace_id = w.id WHERE w.id = $1',
      [workspaceId],
    );
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
    const anchor = rows[0].cycle_anchor_day;
    const cycle = anchor === null ? null : cycleWindow(now, Number(anchor), rows[0].time_zone);
    await tx.query('SELECT cc_prepare($1, NULL, $2, $3, $4)', [workspaceId, now, cycle?.start ?? null, cycle?.end ?? null]);
  }

  private async controls(tx: SqlClient, workspaceId: string): Promise<ControlsRow> {
    const rows = await tx.query<ControlsRow>(
      `SELECT monthly_percents, addon_below, expiring_days, limit_credits, limit_mode, cc_iso(thresholds_updated_at) AS thresholds_updated_at
       FROM spend_controls WHERE workspace_id = $1`,
      [workspaceId],
    );
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
    return rows[0];
  }

  private async readThresholds(tx: SqlClient, workspaceId: string): Promise<Thresholds> {
    const row = await this.controls(tx, workspaceId);
    return {
      workspaceId,
      monthlyPercents: row.monthly_percents.map(Number),
      addonBelow: row.addon_below === null ? null : c(Number(row.addon_below)),
      expiringDays: row.expiring_days.map(Number),
      updatedAt: row.thresholds_updated_at,
    };
  }

  /**
   * Every builder with a token, an override or use this cycle: the limit that applies and
   * what it has used (counted by the ledger while limits are on, else from receipts and holds).
   */
  private async spendRows(tx: SqlClient, workspaceId: string, builder?: string): Promise<SpendRow[]> {
    return tx.query<SpendRow>(
      `WITH p AS (SELECT cc_spend_period($1) AS period, limits_on FROM spend_controls WHERE workspace_id = $1),
       used AS (
         SELECT bs.builder, bs.used FROM builder_spend bs, p WHERE p.limits_on AND bs.workspace_id = $1 AND bs.period = p.period
         UNION ALL
         SELECT u.builder, u.used FROM p, cc_builder_usage($1, p.period) u WHERE NOT p.limits_on),
       names AS (
         SELECT builder FROM builder_tokens WHERE workspace_id = $1
         UNION SELECT builder FROM builder_limits WHERE workspace_id = $1
         UNION SELECT builder FROM used)
       SELECT n.builder, bl.credits AS o_credits, bl.mode AS o_mode, coalesce(u.used, 0) AS used
       FROM names n LEFT JOIN builder_limits bl ON bl.workspace_id = $1 AND bl.builder = n.builder
       LEFT JOIN used u ON u.builder = n.builder
       WHERE $2::text IS NULL OR n.builder = $2
       ORDER BY n.builder`,
      [workspaceId, builder ?? null],
    );
  }

  private toSpend(row: SpendRow, controls: ControlsRow): BuilderSpend {
    const limit =
      row.o_credits !== null
        ? { credits: c(Number(row.o_credits)), mode: row.o_mode!, source: 'override' as const }
        : controls.limit_credits !== null
          ? { credits: c(Number(controls.limit_credits)), mode: controls.limit_mode!, source: 'default' as const }
          : null;
    return { builder: row.builder, limit, used: c(Number(row.used)) };
  }

  private async readLimits(tx: SqlClient, workspaceId: string): Promise<BuilderLimits> {
    const controls = await this.controls(tx, workspaceId);
    const rows = await this.spendRows(tx, workspaceId);
    return {
      workspaceId,
      default: controls.limit_credits === null ? null : { credits: c(Number(controls.limit_credits)), mode: controls.limit_mode! },
      builders: rows.map((row) => this.toSpend(row, controls)),
    };
  }

  private async readBuilder(tx: SqlClient, workspaceId: string, builder: string): Promise<BuilderSpend> {
    const controls = await this.controls(tx, workspaceId);
    const [row] = await this.spendRows(tx, workspaceId, builder);
    return this.toSpend(row ?? { builder, o_credits: null, o_mode: null, used: 0 }, controls);
  }
}
