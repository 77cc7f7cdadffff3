/**
 * The catalog builders are shown (GET /operations, the picker's "≈ N"): per operation type,
 * what this instance really charges for the model in use once it has MIN_HISTORY complete
 * answers of the type on it (`learned`: the mean charge of the last HISTORY_WINDOW, priced
 * at today's price and rates), the configured average before that (`configured`).
 *
 * When the configured average and the real charges of a type disagree by more than
 * MISMATCH_RATIO after MISMATCH_AFTER operations, one warning per type names both figures
 * and the setting to change.
 */
import { fromMillicredits, OPERATION_CATALOG, type Operation, type OperationType } from '../../contract/index.js';
import { averageSettingHint, type CatalogAverages } from './catalog-config.js';
import { millicreditsForUsage, type CreditRates, type ModelPrice } from './pricing.js';
import { HISTORY_WINDOW, MIN_HISTORY } from './priors.js';

export const MISMATCH_AFTER = 20;
export const MISMATCH_RATIO = 2;
/** How long a computed catalog is served before it is read again. */
const DEFAULT_TTL_MS = 30_000;

export interface UsageSample {
  inputTokens: number;
  outputTokens: number;
}

/** The instance's latest complete answers of a type on a model, oldest first. */
export type UsageSource = (operation: OperationType, model: string, limit: number) => Promise<UsageSample[]>;

/** The mean charge of usages in millicredits, each priced as a charge is (rounded up per operation). */
export function meanChargeMillicredits(samples: readonly UsageSample[], price: ModelPrice, rates: CreditRates): number {
  if (samples.length === 0) throw new RangeError('a mean charge of nothing');
  const total = samples.reduce((sum, s) => sum + millicreditsForUsage(price, s, rates), 0);
  return Math.round(total / samples.length);
}

/** The catalog entry of a type given its recent usages: learned with enough of them, else configured. */
export function catalogOperation(type: OperationType, configured: number, samples: readonly UsageSample[], price: ModelPrice, rates: CreditRates): Operation {
  const label = OPERATION_CATALOG.find((op) => op.type === type)!.label;
  if (samples.length < MIN_HISTORY) return { type, label, averageCredits: configured, basis: 'configured' };
  return { type, label, averageCredits: fromMillicredits(meanChargeMillicredits(samples, price, rates)), basis: 'learned' };
}

/** The warning for a type whose configured average and real mean charge disagree, or null. */
export function catalogMismatch(type: OperationType, configured: number, samples: readonly UsageSample[], price: ModelPrice, rates: CreditRates): string | null {
  if (samples.length < MISMATCH_AFTER) return null;
  const real = fromMillicredits(meanChargeMillicredits(samples, price, rates));
  const ratio = real > configured ? real / configured : configured / Math.max(real, 0.001);
  if (ratio <= MISMATCH_RATIO) return null;
  return (
    `credit-chat: ${type}: the catalog shows ${configured} credits, but the last ${samples.length} operations on ${price.model} ` +
    `charged ${real} on average (${ratio.toFixed(1)}× apart); set ${averageSettingHint(type)} to about ${Math.round(real * 1000) / 1000}`
  );
}

export interface LearnedCatalogOptions {
  averages: CatalogAverages;
  /** the model of the server's provider, and its price */
  price: ModelPrice;
  rates: CreditRates;
  source: UsageSource;
  warn?: (message: string) => void;
  ttlMs?: number;
  now?: () => number;
  /** keeps a background refresh in view (the runtime awaits it on shutdown) */
  track?: (work: Promise<unknown>) => void;
}

/** The catalog of this instance, read from its history at most once per TTL. */
export class LearnedCatalog {
  private cached: { at: number; operations: Operation[] } | undefined;
  private pending: Promise<Operation[]> | undefined;
  private readonly warned = new Set<OperationType>();

  constructor(private readonly options: LearnedCatalogOptions) {}

  get averages(): CatalogAverages {
    return this.options.averages;
  }

  /** The catalog, from the cache while it is fresh. */
  async operations(): Promise<Operation[]> {
    return this.fresh() ? this.cached!.operations : this.refresh();
  }

  /**
   * Called as operations are planned: reads the history again in the background once the
   * cache is stale, so that mismatches are noticed without anyone opening the catalog.
   */
  observe(): void {
    if (this.fresh() || this.pending) return;
    const work = this.refresh().catch((err: unknown) => {
      console.error('credit-chat: reading the learned catalog failed:', err instanceof Error ? err.message : 'unknown error');
    });
    this.options.track?.(work);
  }

  private fresh(): boolean {
    const now = (this.options.now ?? Date.now)();
    return this.cached !== undefined && now - this.cached.at < (this.options.ttlMs ?? DEFAULT_TTL_MS);
  }

  /** Reads the history again (one read at a time), warns about mismatches, and caches the result. */
  refresh(): Promise<Operation[]> {
    this.pending ??= this.read().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async read(): Promise<Operation[]> {
    const { averages, price, rates, source } = this.options;
    const at = (this.options.now ?? Date.now)();
    const operations = await Promise.all(
      OPERATION_CATALOG.map(async ({ type }) => {
        const samples = await source(type, price.model, HISTORY_WINDOW);
        const mismatch = this.warned.has(type) ? null : catalogMismatch(type, averages[type], samples, price, rates);
        if (mismatch) {
          this.warned.add(type);
          (this.options.warn ?? console.warn)(mismatch);
        }
        return catalogOperation(type, averages[type], samples, price, rates);
      }),
    );
    this.cached = { at, operations };
    return operations;
  }
}
