import {
  fromMillicredits,
  USAGE_CSV_COLUMNS,
  type AccountLicense,
  type UsageGroupBy,
  type UsageSummary,
} from '../../contract/index.js';
import { ApiError } from '../errors.js';
import { cycleWindow } from '../ledger/cycle.js';
import type { BuilderContext, Clock } from '../ledger/ledger.js';
import type { Store } from '../store/store.js';
import { creditsText, csvField, csvRow } from './csv.js';

interface TotalsRow {
  key: string;
  credits: string | number;
  from_monthly: string | number;
  from_addon: string | number;
  operations: string | number;
  input_tokens: string | number;
  output_tokens: string | number;
}

interface CsvReceipt {
  id: string;
  created_at: Date | string;
  operation: string;
  builder: string;
  credits: string | number;
  from_monthly: string | number;
  from_addon: string | number;
  input_tokens: number | null;
  output_tokens: number | null;
  model: string | null;
  byok: boolean;
}

const MAX_SUMMARY_DAYS = 400;
const CSV_PAGE = 500;

function totals(row: TotalsRow | undefined) {
  return {
    credits: fromMillicredits(Number(row?.credits ?? 0)),
    fromMonthly: fromMillicredits(Number(row?.from_monthly ?? 0)),
    fromAddon: fromMillicredits(Number(row?.from_addon ?? 0)),
    operations: Number(row?.operations ?? 0),
    inputTokens: Number(row?.input_tokens ?? 0),
    outputTokens: Number(row?.output_tokens ?? 0),
  };
}

const SUMS = `coalesce(sum(credits), 0) AS credits, coalesce(sum(from_monthly), 0) AS from_monthly,
  coalesce(sum(from_addon), 0) AS from_addon, count(*) AS operations,
  coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens`;

/** The transparency API: what the receipts add up to, and the receipts themselves as CSV. */
export class UsageReports {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Totals of the workspace's receipts in [from, to), grouped by day (in its time zone), operation or builder. */
  async summary(ctx: BuilderContext, from: string, to: string, groupBy: UsageGroupBy): Promise<UsageSummary> {
    if (Date.parse(to) - Date.parse(from) > MAX_SUMMARY_DAYS * 86_400_000) {
      throw new ApiError('invalid_input', `to: the range may span at most ${MAX_SUMMARY_DAYS} days`, { field: 'to' });
    }
    const key = {
      day: `to_char(created_at AT TIME ZONE $4, 'YYYY-MM-DD')`,
      operation: 'operation',
      builder: 'builder',
    }[groupBy];
    const params = [ctx.workspaceId, new Date(from), new Date(to), ctx.timeZone];
    const where = 'workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND $4::text IS NOT NULL';
    const [groups, total] = await Promise.all([
      this.store.query<TotalsRow>(`SELECT ${key} AS key, ${SUMS} FROM receipts WHERE ${where} GROUP BY 1 ORDER BY 1`, params),
      this.store.query<TotalsRow>(`SELECT '' AS key, ${SUMS} FROM receipts WHERE ${where}`, params),
    ]);
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      groupBy,
      timeZone: ctx.timeZone,
      total: totals(total[0]),
      groups: groups.map((row) => ({ key: row.key, ...totals(row) })),
    };
  }

  /** Every receipt in [from, to), oldest first, as RFC 4180 CSV, read and written a page at a time. */
  csv(ctx: BuilderContext, from: string, to: string): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let after: [Date | string, string] | null = null;
    let headerSent = false;
    let done = false;
    const store = this.store;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(csvRow([...USAGE_CSV_COLUMNS])));
          return;
        }
        if (done) return controller.close();
        const rows = await store.query<CsvReceipt>(
          `SELECT id, created_at, operation, builder, credits, from_monthly, from_addon, input_tokens, output_tokens, model, byok
           FROM receipts WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3
             AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::text))
           ORDER BY created_at, id LIMIT ${CSV_PAGE}`,
          [ctx.workspaceId, new Date(from), new Date(to), after?.[0] ?? null, after?.[1] ?? ''],
        );
        if (rows.length < CSV_PAGE) done = true;
        const last = rows.at(-1);
        if (last) after = [last.created_at, last.id];
        const text = rows
          .map((r) =>
            csvRow([
              csvField(r.id),
              csvField(new Date(r.created_at).toISOString()),
              csvField(r.operation, { text: true }),
              csvField(r.builder, { text: true }),
              creditsText(Number(r.credits)),
              creditsText(Number(r.from_monthly)),
              creditsText(Number(r.from_addon)),
              csvField(r.input_tokens),
              csvField(r.output_tokens),
              csvField(r.model, { text: true }),
              csvField(r.byok),
            ]),
          )
          .join('');
        if (text) controller.enqueue(encoder.encode(text));
        if (done) controller.close();
      },
    });
  }

  /** The license as builders see it, and the changes made in the last 90 days. */
  async license(ctx: BuilderContext): Promise<AccountLicense> {
    const since = new Date(this.clock.now().getTime() - 90 * 86_400_000);
    const [license, changes] = await Promise.all([
      this.store.query<{ builders: number; credits_per_builder: string | number; cycle_anchor_day: number }>(
        'SELECT builders, credits_per_builder, cycle_anchor_day FROM licenses WHERE workspace_id = $1',
        [ctx.workspaceId],
      ),
      this.store.query<{
        created_at: Date | string;
        old_builders: number | null;
        old_credits_per_builder: string | number | null;
        builders: number;
        credits_per_builder: string | number;
        effective: 'now' | 'next_cycle';
        prorated: string | number;
      }>(
        `SELECT created_at, old_builders, old_credits_per_builder, builders, credits_per_builder, effective, prorated
         FROM license_changes WHERE workspace_id = $1 AND created_at >= $2 ORDER BY created_at DESC, id DESC LIMIT 20`,
        [ctx.workspaceId, since],
      ),
    ]);
    const l = license[0];
    if (!l) throw new ApiError('not_found', 'this workspace has no license yet');
    return {
      builders: Number(l.builders),
      creditsPerBuilder: fromMillicredits(Number(l.credits_per_builder)),
      cycleAnchorDay: Number(l.cycle_anchor_day),
      timeZone: ctx.timeZone,
      cycle: (({ start, end }) => ({ start: start.toISOString(), end: end.toISOString() }))(
        cycleWindow(this.clock.now(), Number(l.cycle_anchor_day), ctx.timeZone),
      ),
      changes: changes.map((c) => ({
        at: new Date(c.created_at).toISOString(),
        from:
          c.old_builders === null || c.old_credits_per_builder === null
            ? null
            : { builders: Number(c.old_builders), creditsPerBuilder: fromMillicredits(Number(c.old_credits_per_builder)) },
        to: { builders: Number(c.builders), creditsPerBuilder: fromMillicredits(Number(c.credits_per_builder)) },
        effective: c.effective,
        prorated: fromMillicredits(Number(c.prorated)),
      })),
    };
  }
}
