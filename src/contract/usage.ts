import * as z from 'zod/mini';
import { Credits, IsoDateTime } from './credits.js';

/** The transparency API: usage totals per day, operation or builder, and every receipt as CSV. */
export const UsageGroupBy = z.enum(['day', 'operation', 'builder']);
export type UsageGroupBy = z.infer<typeof UsageGroupBy>;

const range = {
  from: IsoDateTime,
  to: IsoDateTime,
};

export const UsageSummaryQuery = z
  .strictObject({ ...range, groupBy: z.optional(UsageGroupBy) })
  .check(z.refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'] }));
export type UsageSummaryQuery = z.infer<typeof UsageSummaryQuery>;

export const UsageCsvQuery = z
  .strictObject(range)
  .check(z.refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'] }));
export type UsageCsvQuery = z.infer<typeof UsageCsvQuery>;

const Totals = {
  credits: Credits,
  fromMonthly: Credits,
  fromAddon: Credits,
  operations: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
};

export const UsageGroup = z.object({
  /** the day (YYYY-MM-DD in the workspace's time zone), the operation type or the builder */
  key: z.string(),
  ...Totals,
});
export type UsageGroup = z.infer<typeof UsageGroup>;

export const UsageSummary = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  groupBy: UsageGroupBy,
  timeZone: z.string(),
  total: z.object(Totals),
  groups: z.array(UsageGroup),
});
export type UsageSummary = z.infer<typeof UsageSummary>;

/** The CSV's columns, in order. */
export const USAGE_CSV_COLUMNS = [
  'receipt_id',
  'time',
  'operation',
  'builder',
  'credits',
  'from_monthly',
  'from_addon',
  'input_tokens',
  'output_tokens',
  'model',
  'byok',
] as const;
