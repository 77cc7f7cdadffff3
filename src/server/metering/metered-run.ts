import { fromMillicredits, type ErrorCode, type Receipt } from '../../contract/index.js';
import {
  countTextTokens,
  isProviderError,
  maxOutputTokensWithin,
  millicreditsForUsage,
  type ChatProvider,
  type CreditRates,
  type DeltaEvent,
  type FinishReason,
} from '../ai/index.js';
import type { BuilderContext, Ledger, UsageDetails } from '../ledger/ledger.js';
import { maxOutputTokensOf, type OperationPlan } from './operation-plan.js';

/** What is held for a run: nothing for BYOK. `maxTokens` keeps the answer's cost inside it. */
export interface Reservation {
  holdId: string | null;
  millicredits: number;
  maxTokens: number;
}

export interface ReserveOptions {
  /** the ledger's idempotency key of the hold */
  holdKey: string;
  ttlSeconds: number;
  /** reserve this much instead of the estimate's max (a gateway client that set max_tokens) */
  millicredits?: number;
  /** the client's own output limit, if lower */
  maxTokens?: number;
}

/**
 * Holds the plan's `max` (or `options.millicredits`) and sizes the output limit so the
 * answer's cost stays inside the hold. A short pool is the ledger's 402. A BYOK run holds
 * nothing, and its output limit follows the estimate's max all the same.
 */
export async function reserve(ledger: Ledger, rates: CreditRates, ctx: BuilderContext, plan: OperationPlan, options: ReserveOptions): Promise<Reservation> {
  // a model priced at zero (a local one) still goes through a hold, of the smallest amount there is
  const millicredits = Math.max(1, options.millicredits ?? plan.estimate.maxMillicredits);
  const cap = Math.min(maxOutputTokensOf(plan.target.model), options.maxTokens ?? Number.MAX_SAFE_INTEGER);
  // at least one token: a hold too small for any output still fails the same way as a provider refusal would
  const maxTokens = Math.max(1, maxOutputTokensWithin(millicredits, plan.inputTokens, plan.price, rates, cap));
  if (plan.target.byok) return { holdId: null, millicredits: 0, maxTokens };
  const hold = await ledger.createHold(ctx, {
    operation: plan.operation,
    credits: fromMillicredits(millicredits),
    idempotencyKey: options.holdKey,
    ttlSeconds: options.ttlSeconds,
  });
  return { holdId: hold.id, millicredits, maxTokens };
}

/** How a metered run ended. `receipt` is set when it was charged (or, for BYOK, recorded). */
export interface RunOutcome {
  status: 'complete' | 'stopped' | 'failed';
  text: string;
  receipt: Receipt | null;
  usage: { inputTokens: number; outputTokens: number; model: string } | null;
  finishReason: FinishReason | null;
  failure: { code: ErrorCode; message: string; retryAfter?: number } | null;
}

export type RunEvent = DeltaEvent | { type: 'outcome'; outcome: RunOutcome };

export interface RunDeps {
  ledger: Ledger;
  rates: CreditRates;
  /** stop the provider this long after the start and settle what it produced (the hold's lifetime minus a margin) */
  deadlineMs: number;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One AI answer, metered: streams the provider's deltas, then settles exactly once.
 * - complete: the provider's usage is charged (at most the hold; the rest is released)
 * - stopped (the caller's signal, the deadline, or the consumer leaving the iteration):
 *   what was produced is charged, its output counted with the tokenizer; nothing produced: voided
 * - failed (the provider broke): voided, not charged
 * BYOK runs record the usage (no credits move) instead of capturing. No lock or transaction
 * is held while the provider answers: each ledger call is one short statement.
 */
export class MeteredRun {
  private text = '';
  private usage: { inputTokens: number; outputTokens: number; model: string } | null = null;
  private finishReason: FinishReason | null = null;
  private error: unknown;
  private settled: Promise<RunOutcome> | undefined;
  private readonly abort = new AbortController();
  private readonly onStop = (): void => this.abort.abort();

  constructor(
    private readonly deps: RunDeps,
    private readonly ctx: BuilderContext,
    private readonly plan: OperationPlan,
    private readonly reservation: Reservation,
    private readonly provider: ChatProvider,
    /** any of them stops the run: the request's, the response's cancellation, the server's shutdown */
    private readonly stopSignals: readonly AbortSignal[],
  ) {
    for (const signal of stopSignals) {
      if (signal.aborted) this.abort.abort();
      else signal.addEventListener('abort', this.onStop, { once: true });
    }
  }

  /** Deltas as the provider sends them, then one `outcome`. */
  async *events(): AsyncGenerator<RunEvent, void, undefined> {
    const deadline = setTimeout(() => this.abort.abort(), this.deps.deadlineMs);
    deadline.unref();
    try {
      const stream = this.provider.stream({
        system: this.plan.system,
        messages: this.plan.messages,
        maxTokens: this.reservation.maxTokens,
        operation: this.plan.operation,
        signal: this.abort.signal,
      });
      for await (const event of stream) {
        if (event.type === 'delta') {
          this.text += event.text;
          yield event;
        } else {
          this.usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens, model: event.model };
          this.finishReason = event.finishReason;
        }
      }
    } catch (err) {
      this.error = err;
    } finally {
      clearTimeout(deadline);
      // the server's shutdown signal lives on: leave no listener of a finished run on it
      for (const signal of this.stopSignals) signal.removeEventListener('abort', this.onStop);
      // also when the consumer leaves early: then nothing else would settle the hold
      await this.settle();
    }
    yield { type: 'outcome', outcome: await this.settle() };
  }

  /** Settles once; later calls answer the same outcome. */
  settle(): Promise<RunOutcome> {
    this.settled ??= this.settleOnce();
    return this.settled;
  }

  private async settleOnce(): Promise<RunOutcome> {
    const base = { text: this.text, usage: null, finishReason: this.finishReason, failure: null, receipt: null };
    const stopped = this.error === undefined ? this.usage === null : isProviderError(this.error) && this.error.kind === 'aborted';
    try {
      if (this.usage && this.error === undefined) {
        return { ...base, status: 'complete', usage: this.usage, receipt: await this.charge(this.usage) };
      }
      if (stopped) {
        if (this.text === '') return { ...base, status: 'stopped', receipt: await this.release() };
        const usage = {
          inputTokens: (isProviderError(this.error) ? this.error.inputTokens : undefined) ?? this.plan.inputTokens,
          outputTokens: countTextTokens(this.text, this.plan.target.model),
          model: this.plan.target.model,
        };
        return { ...base, status: 'stopped', usage, receipt: await this.charge(usage) };
      }
      await this.release();
      return { ...base, status: 'failed', failure: this.failure() };
    } catch (err) {
      console.error('credit-chat: settling an AI operation failed:', err instanceof Error ? err.message : 'unknown error');
      return {
        ...base,
        status: 'failed',
        failure: { code: 'internal', message: 'The answer could not be settled; its hold is released when it expires. Not charged.' },
      };
    }
  }

  /** Settlement runs for the server, not the caller: a token revoked mid-answer must not leave the hold pending. */
  private get trusted(): BuilderContext {
    return { ...this.ctx, tokenHash: null };
  }

  private async charge(usage: { inputTokens: number; outputTokens: number; model: string }): Promise<Receipt> {
    const details: UsageDetails = {
      provider: this.provider.name,
      model: usage.model,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      estimateExpected: this.plan.estimate.expectedMillicredits,
      estimateMax: this.plan.estimate.maxMillicredits,
    };
    if (this.reservation.holdId === null) return this.deps.ledger.recordByok(this.trusted, this.plan.operation, details);
    // Priced as the model asked for, which the hold was sized for; a tokenizer that counts
    // more input than ours could pass the hold, and the hold is the most ever charged.
    const cost = Math.min(millicreditsForUsage(this.plan.price, usage, this.deps.rates), this.reservation.millicredits);
    return this.deps.ledger.capture(this.trusted, this.reservation.holdId, fromMillicredits(cost), details);
  }

  private async release(): Promise<null> {
    if (this.reservation.holdId !== null) await this.deps.ledger.voidHold(this.trusted, this.reservation.holdId);
    return null;
  }

  private failure(): NonNullable<RunOutcome['failure']> {
    const err = this.error;
    if (!isProviderError(err)) {
      console.error('credit-chat: an AI provider failed unexpectedly:', err instanceof Error ? err.name : 'unknown error');
      return { code: 'internal', message: 'The AI operation failed. Not charged.' };
    }
    const message = `${capitalized(err.message)}. Not charged.`;
    if (err.kind === 'rate_limited') return { code: 'rate_limited', message, retryAfter: err.retryAfterSeconds ?? 1 };
    return { code: 'provider_error', message };
  }
}

/** Reads a run to its end (after it was told to stop), so that it has settled. */
export async function drain(first: Promise<IteratorResult<RunEvent, void>>, events: AsyncGenerator<RunEvent, void>): Promise<void> {
  for (let step = await first; !step.done; step = await events.next()) {
    // nothing to forward: the run settles on its way out
  }
}

/** Credits an outcome took from the pool: 0 when not charged, and for BYOK. */
export function chargedCredits(outcome: RunOutcome): number {
  return outcome.receipt && !outcome.receipt.byok ? outcome.receipt.credits : 0;
}
