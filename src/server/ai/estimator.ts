import { catalogEntry, MILLI_PER_CREDIT, type OperationType } from '../../contract/index.js';
import { DEFAULT_CREDIT_RATES, millicreditsForUsage, type CreditRates, type ModelPrice } from './pricing.js';
import { HISTORY_WINDOW, MIN_HISTORY, outputPrior, type PriorSource } from './priors.js';

export { HISTORY_WINDOW, MIN_HISTORY };
/** On the average basis, `max` is this many catalog averages. */
export const AVERAGE_MAX_MULTIPLE = 2;
/** On the history basis, `max` covers at least this percentile of the recent output tokens... */
export const MAX_PERCENTILE = 90;
/** ...and the next output with this probability, were output lengths log-normal (z of 97.5%). */
const PREDICTION_Z = 1.96;

export interface EstimateInputs {
  operation: OperationType;
  /** prompt + capped conversation context + the operation's system prompt, as `countChatTokens` counts them */
  inputTokens: number;
  price: ModelPrice;
  rates?: CreditRates;
  /**
   * Output tokens of the workspace's settled operations of this type, oldest first
   * (completed answers; answers the builder stopped would drag it down).
   */
  outputHistory: readonly number[];
  /**
   * Output tokens of this instance's settled operations of this type on the same model,
   * every workspace's, oldest first: what a workspace without enough history of its own
   * learns from (priors.ts).
   */
  instanceHistory?: readonly number[];
  /** defaults to the catalog's average credits of the type */
  averageCredits?: number;
}

/** An estimate in integer millicredits; the contract's `Estimate` is it in credits. */
export interface CreditEstimate {
  operation: OperationType;
  inputTokens: number;
  expectedMillicredits: number;
  maxMillicredits: number;
  basis: 'average' | 'history';
  /** whose history (the workspace's or the instance's), or the catalog */
  source: PriorSource;
  /** on the history basis: the output tokens behind `expected` and `max` */
  expectedOutputTokens?: number;
  maxOutputTokens?: number;
}

/** Median of numbers (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * The upper bound of a one-sided prediction interval for the next value, fitting a
 * log-normal to `values` (at least 2): exp(mean + t · sd · √(1 + 1/n)) of their logs, with
 * Student's t for n − 1 degrees of freedom (Cornish-Fisher expansion around `z`), so a
 * short history gets a wide bound.
 */
export function logNormalPredictionBound(values: readonly number[], z = PREDICTION_Z): number {
  const n = values.length;
  if (n < 2) throw new RangeError('a prediction bound needs at least 2 values');
  const logs = values.map((v) => Math.log(Math.max(1, v)));
  const mean = logs.reduce((sum, v) => sum + v, 0) / n;
  const sd = Math.sqrt(logs.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  const df = n - 1;
  const t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  return Math.exp(mean + t * sd * Math.sqrt(1 + 1 / n));
}

/**
 * What an operation will cost, before it is sent.
 *
 * - `average` (fewer than MIN_HISTORY settled operations of the type in the workspace and
 *   in the instance on this model, see priors.ts): the configured catalog average
 *   is the cost of a whole typical operation, input included, so expected = the average,
 *   or the priced input when that alone is more (a huge context); max = AVERAGE_MAX_MULTIPLE
 *   averages, or the priced input plus one average when that is more.
 * - `history`: the priced input tokens (exact) plus output tokens learned from the last
 *   HISTORY_WINDOW settled operations (the workspace's, else the instance's), priced at the model's output price: their median
 *   for `expected`; for `max` their MAX_PERCENTILE-th percentile or, when higher, the 97.5%
 *   log-normal prediction bound. The percentile alone would leave one answer in ten above
 *   `max`, i.e. cut short by max_tokens; the bound keeps that near 2.5% and widens itself
 *   while the history is short. Output tokens, not past charges, are what is learned: the
 *   input of this request is known exactly, and tokens stay true when the model or its
 *   price changes.
 *
 * Pure: the caller reads the history and the price; nothing here touches a store.
 */
export function estimateOperation(inputs: EstimateInputs): CreditEstimate {
  const { operation, inputTokens, price } = inputs;
  const rates = inputs.rates ?? DEFAULT_CREDIT_RATES;
  const prior = outputPrior({ workspace: inputs.outputHistory, instance: inputs.instanceHistory });
  const recent = prior.samples;
  if (prior.source === 'catalog') {
    const inputMillicredits = millicreditsForUsage(price, { inputTokens, outputTokens: 0 }, rates);
    const averageMillicredits = Math.round((inputs.averageCredits ?? catalogEntry(operation).averageCredits) * MILLI_PER_CREDIT);
    return {
      operation,
      inputTokens,
      basis: 'average',
      source: 'catalog',
      expectedMillicredits: Math.max(averageMillicredits, inputMillicredits),
      maxMillicredits: Math.max(AVERAGE_MAX_MULTIPLE * averageMillicredits, inputMillicredits + averageMillicredits),
    };
  }
  const expectedOutputTokens = Math.ceil(median(recent));
  // exp(log(x)) can land a hair above x: do not let that round up a whole token
  const maxOutputTokens = Math.ceil(Math.max(percentile(recent, MAX_PERCENTILE), logNormalPredictionBound(recent) - 1e-9));
  return {
    operation,
    inputTokens,
    basis: 'history',
    source: prior.source,
    expectedMillicredits: millicreditsForUsage(price, { inputTokens, outputTokens: expectedOutputTokens }, rates),
    maxMillicredits: millicreditsForUsage(price, { inputTokens, outputTokens: maxOutputTokens }, rates),
    expectedOutputTokens,
    maxOutputTokens,
  };
}
