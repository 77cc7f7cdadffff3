// Estimate accuracy (with the demo and new-workspace figures of estimate-demo.ts): a seeded workload of builder operations replayed in order through the
// real estimator, each workspace's history growing as its operations settle, against the
// static catalog averages.
import { catalogEntry, OPERATION_TYPES, type OperationType } from '../src/contract/index.js';
import { AVERAGE_MAX_MULTIPLE, estimateOperation, HISTORY_WINDOW, MAX_PERCENTILE, percentile as historyPercentile } from '../src/server/ai/estimator.js';
import { millicreditsForUsage, PriceTable, type ModelPrice } from '../src/server/ai/pricing.js';
import { demoEstimateFigures } from './estimate-demo.js';
import { percentile, round, type BenchSuite, type Figure } from './figures.js';
import { prng } from '../test/support/prng.js';

const SEED = 20_240_601;
const WORKSPACES = 4;
const OPERATIONS_PER_WORKSPACE = 150;

/**
 * The catalog's averages fit an Opus-class model (USD 15 / 75 per million tokens): 100
 * credits buy USD 0.80 of provider cost, e.g. 10k tokens of app context in and 8.7k tokens
 * of app spec out. Per type: how often builders ask for it, the mean input tokens (system
 * prompt + context + prompt), and the log-normal spread of input and output lengths
 * around the means. The mean output is derived so the mean charge is the catalog average.
 */
const MODEL = 'claude-opus-4';
interface TypeProfile {
  weight: number;
  meanInput: number;
  inputSigma: number;
  outputSigma: number;
}
const PROFILES: Record<OperationType, TypeProfile> = {
  app_generation: { weight: 4, meanInput: 6_000, inputSigma: 0.25, outputSigma: 0.35 },
  new_feature: { weight: 6, meanInput: 10_000, inputSigma: 0.35, outputSigma: 0.45 },
  modify_layout: { weight: 10, meanInput: 8_000, inputSigma: 0.35, outputSigma: 0.45 },
  modify_queries: { weight: 10, meanInput: 5_000, inputSigma: 0.3, outputSigma: 0.4 },
  debug_autofix: { weight: 12, meanInput: 3_000, inputSigma: 0.4, outputSigma: 0.5 },
  docs_assistant: { weight: 18, meanInput: 2_000, inputSigma: 0.3, outputSigma: 0.45 },
  sql_generation: { weight: 22, meanInput: 1_200, inputSigma: 0.3, outputSigma: 0.4 },
  custom_code: { weight: 18, meanInput: 600, inputSigma: 0.3, outputSigma: 0.5 },
};
/** How much one workspace's typical output differs from another's (bigger apps, wordier builders). */
const WORKSPACE_SIGMA = 0.35;

function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A log-normal draw with the given mean (not median) and spread. */
function logNormal(random: () => number, mean: number, sigma: number): number {
  return mean * Math.exp(sigma * normal(random) - (sigma * sigma) / 2);
}

function pickType(random: () => number): OperationType {
  const total = OPERATION_TYPES.reduce((sum, type) => sum + PROFILES[type].weight, 0);
  let r = random() * total;
  for (const type of OPERATION_TYPES) {
    r -= PROFILES[type].weight;
    if (r < 0) return type;
  }
  return OPERATION_TYPES[OPERATION_TYPES.length - 1]!;
}

/** Output tokens whose mean, with the mean input, costs the catalog average. */
function meanOutputTokens(type: OperationType, price: ModelPrice): number {
  const averageMillicredits = catalogEntry(type).averageCredits * 1000;
  const inputMillicredits = millicreditsForUsage(price, { inputTokens: PROFILES[type].meanInput, outputTokens: 0 });
  const perOutputToken = millicreditsForUsage(price, { inputTokens: 0, outputTokens: 1_000_000 }) / 1_000_000;
  return (averageMillicredits - inputMillicredits) / perOutputToken;
}

export interface Operation {
  workspace: number;
  type: OperationType;
  inputTokens: number;
  outputTokens: number;
}

/** The seeded workload, in the order the operations happen. */
export function workload(price: ModelPrice, seed = SEED): Operation[] {
  const random = prng(seed);
  const ops: Operation[] = [];
  for (let workspace = 0; workspace < WORKSPACES; workspace++) {
    const scale = Object.fromEntries(OPERATION_TYPES.map((type) => [type, logNormal(random, 1, WORKSPACE_SIGMA)])) as Record<OperationType, number>;
    for (let i = 0; i < OPERATIONS_PER_WORKSPACE; i++) {
      const type = pickType(random);
      const profile = PROFILES[type];
      ops.push({
        workspace,
        type,
        inputTokens: Math.max(50, Math.round(logNormal(random, profile.meanInput, profile.inputSigma))),
        outputTokens: Math.max(1, Math.round(logNormal(random, meanOutputTokens(type, price) * scale[type], profile.outputSigma))),
      });
    }
  }
  return ops;
}

interface Tally {
  errors: number[];
  withinMax: number;
  holdRatios: number[];
}

function tally(): Tally {
  return { errors: [], withinMax: 0, holdRatios: [] };
}

function record(t: Tally, expected: number, max: number, actual: number): void {
  t.errors.push(Math.abs(expected - actual) / actual);
  if (actual <= max) t.withinMax++;
  t.holdRatios.push(max / actual);
}

function sortedPercent(values: number[], p: number): number {
  return percentile([...values].sort((a, b) => a - b), p) * 100;
}

export const estimateSuite: BenchSuite = {
  name: 'estimate',
  async run(): Promise<Figure[]> {
    const price = new PriceTable().priceOf(MODEL);
    const ops = workload(price);
    const history = new Map<string, number[]>();
    const ours = tally();
    const catalog = tally();
    let historyBasis = 0;
    let withinPercentileAlone = 0;
    for (const op of ops) {
      const key = `${op.workspace}:${op.type}`;
      const outputHistory = history.get(key) ?? [];
      const estimate = estimateOperation({ operation: op.type, inputTokens: op.inputTokens, price, outputHistory });
      const actual = millicreditsForUsage(price, { inputTokens: op.inputTokens, outputTokens: op.outputTokens });
      record(ours, estimate.expectedMillicredits, estimate.maxMillicredits, actual);
      const average = catalogEntry(op.type).averageCredits * 1000;
      record(catalog, average, AVERAGE_MAX_MULTIPLE * average, actual);
      if (estimate.basis === 'history') {
        historyBasis++;
        const percentileOnly = millicreditsForUsage(price, { inputTokens: op.inputTokens, outputTokens: historyPercentile(outputHistory.slice(-HISTORY_WINDOW), MAX_PERCENTILE) });
        if (actual <= percentileOnly) withinPercentileAlone++;
      }
      history.set(key, [...outputHistory, op.outputTokens]);
    }
    const n = ops.length;
    const note = `${n} operations, ${WORKSPACES} workspaces, ${historyBasis} on the history basis`;
    return [
      {
        id: 'estimate.median_error',
        label: 'Median relative error of expected vs charged',
        value: round(sortedPercent(ours.errors, 50)),
        unit: '%',
        peer: { name: 'catalog average', value: round(sortedPercent(catalog.errors, 50)) },
        bar: { op: '<=', value: 20 },
        note,
      },
      {
        id: 'estimate.within_max',
        label: 'Charges within max',
        value: round((ours.withinMax / n) * 100),
        unit: '%',
        peer: { name: `catalog average × ${AVERAGE_MAX_MULTIPLE}`, value: round((catalog.withinMax / n) * 100) },
        bar: { op: '>=', value: 95 },
      },
      {
        id: 'estimate.within_percentile_alone',
        label: `Charges within a max of the ${MAX_PERCENTILE}th percentile alone (history basis only)`,
        value: round((withinPercentileAlone / historyBasis) * 100),
        unit: '%',
        note: 'why max also takes the 97.5% prediction bound',
      },
      {
        id: 'estimate.p90_error',
        label: '90th percentile relative error of expected vs charged',
        value: round(sortedPercent(ours.errors, 90)),
        unit: '%',
        peer: { name: 'catalog average', value: round(sortedPercent(catalog.errors, 90)) },
      },
      {
        id: 'estimate.hold_ratio',
        label: 'Median hold (max) over charge',
        value: round(sortedPercent(ours.holdRatios, 50) / 100, 2),
        unit: '×',
        peer: { name: `catalog average × ${AVERAGE_MAX_MULTIPLE}`, value: round(sortedPercent(catalog.holdRatios, 50) / 100, 2) },
      },
      ...(await demoEstimateFigures()),
    ];
  },
};
