import { BUILTIN_AVERAGES, DEFAULT_CREDIT_RATES, LearnedCatalog, PriceTable, type CreditRates } from '../ai/index.js';
import { ByokStore } from '../byok/byok-store.js';
import { KeyCipher } from '../byok/key-cipher.js';
import { byokFetch } from '../byok/outbound.js';
import type { Ledger } from '../ledger/ledger.js';
import type { AiOptions } from './ai-options.js';
import { AiRequestStore } from './ai-requests.js';
import { ConversationStore } from '../chat/conversations.js';
import type { RunDeps } from './metered-run.js';
import type { PlanDeps } from './operation-plan.js';
import { ProviderResolver } from './provider-resolver.js';

const DEFAULT_HOLD_TTL_SECONDS = 900;
/** A run is stopped and settled this long before its hold would expire. */
const DEADLINE_MARGIN_MS = 30_000;

/** What the AI routes share: stores, the provider resolver, pricing, timings, and the runs in flight. */
export class AiRuntime implements PlanDeps {
  readonly prices: PriceTable;
  readonly rates: CreditRates;
  readonly byok: ByokStore;
  readonly conversations: ConversationStore;
  readonly requests: AiRequestStore;
  readonly providers: ProviderResolver;
  readonly holdTtlSeconds: number;
  readonly instanceEstimates: boolean;
  readonly streamStartGraceMs: number;
  readonly heartbeatMs: number;
  readonly runDeps: RunDeps;
  /** GET /operations: the configured averages, or what this instance really charges */
  readonly catalog: LearnedCatalog;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly closing = new AbortController();

  constructor(
    readonly ledger: Ledger,
    options: AiOptions = {},
  ) {
    this.prices = options.prices ?? new PriceTable();
    this.rates = options.rates ?? DEFAULT_CREDIT_RATES;
    this.holdTtlSeconds = options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS;
    this.instanceEstimates = options.instanceEstimates ?? true;
    this.streamStartGraceMs = options.streamStartGraceMs ?? 1_000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    const holdMs = this.holdTtlSeconds * 1000;
    // a request or message older than its hold's lifetime lost its server: nothing can settle it any more
    const staleAfterMs = holdMs + DEADLINE_MARGIN_MS;
    this.byok = new ByokStore(ledger.store, {
      cipher: options.secret ? new KeyCipher(options.secret) : undefined,
      allowPrivateUrls: options.allowPrivateByokUrls,
      clock: ledger,
    });
    this.conversations = new ConversationStore(ledger.store, ledger, staleAfterMs);
    this.requests = new AiRequestStore(ledger.store, ledger, staleAfterMs);
    // calls on a workspace's key reach no private address unless the operator allowed it
    const outbound = options.allowPrivateByokUrls ? undefined : byokFetch();
    this.providers = new ProviderResolver(options.provider ?? { provider: 'demo' }, options.providerOptions ?? {}, this.byok, outbound);
    this.catalog = new LearnedCatalog({
      averages: options.averages ?? BUILTIN_AVERAGES,
      price: this.prices.priceOf(this.providers.model),
      rates: this.rates,
      source: (operation, model, limit) => this.requests.instanceUsage(operation, model, limit),
      track: (work) => this.track(work),
    });
    this.runDeps = { ledger, rates: this.rates, deadlineMs: Math.max(holdMs / 2, holdMs - DEADLINE_MARGIN_MS) };
  }

  /** Aborted when the server shuts down: runs in flight stop and settle what they produced. */
  get shutdownSignal(): AbortSignal {
    return this.closing.signal;
  }

  /** Keeps a stream's settling work in view, for `idle()` and `shutdown()`. */
  track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  /** Resolves when every run in flight has settled. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  async shutdown(): Promise<void> {
    this.closing.abort();
    await this.idle();
  }
}
