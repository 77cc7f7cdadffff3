/** One measured figure of `npm run bench`, with its peer's figure where there is one. */
export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  /** the same figure measured for a peer in the same run */
  peer?: { name: string; value: number };
  /** the quality bar, e.g. "<= 40" */
  bar?: { op: '<=' | '>='; value: number };
  note?: string;
}

export interface BenchSuite {
  name: string;
  run(): Promise<Figure[]>;
}

export function meetsBar(figure: Figure): boolean | undefined {
  if (!figure.bar) return undefined;
  return figure.bar.op === '<=' ? figure.value <= figure.bar.value : figure.value >= figure.bar.value;
}

/** Percentile of already sorted numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
