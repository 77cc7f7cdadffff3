import type { OperationType } from '../../contract/index.js';
import type { ChatProvider, DeltaEvent } from '../ai/index.js';
import { ApiError } from '../errors.js';
import type { BuilderContext } from '../ledger/ledger.js';
import type { AttemptEnd, AttemptRef } from './ai-requests.js';
import type { AiRuntime } from './ai-runtime.js';
import { drain, MeteredRun, reserve, type Reservation, type ReserveOptions, type RunEvent, type RunOutcome } from './metered-run.js';
import { readOutputHistory, type OperationPlan } from './operation-plan.js';
import type { ResolvedProvider } from './provider-resolver.js';

export type RunStep = IteratorResult<RunEvent, void>;

/** 409 for a key whose earlier attempt is still being answered. */
export function stillRunning(): ApiError {
  return new ApiError('conflict', 'A request with this idempotency key is still being answered; retry when it has finished.', {}, { 'retry-after': '2' });
}

/**
 * A run's outcome as the end of its attempt: once it charged (or recorded), kept for replays,
 * which answer `replay` with the receipt; else freed for a retry.
 */
export function attemptEnd(outcome: RunOutcome, replay: object): AttemptEnd {
  if (!outcome.receipt) return { state: 'retryable', finish: outcome.status, outputTokens: null, result: null };
  return { state: 'done', finish: outcome.status, outputTokens: outcome.usage?.outputTokens ?? null, result: { ...replay, receipt: outcome.receipt } };
}

/** What a wire adapter (/chat, /v1/chat/completions) tells the pipeline about one request. */
export interface MeterRequest<Links> {
  ctx: BuilderContext;
  /** the idempotency key, and the hash of what makes two requests with it the same request */
  key: string;
  requestHash: string;
  operation: OperationType;
  /** the ledger key of the hold is `${holdPrefix}:${key}:${attempt}` */
  holdPrefix: string;
  /** the request's own signal: the client going away stops the run */
  signal: AbortSignal;
  /** the per-builder limits' decision, made while the key is claimed: a refusal rejects (429) */
  admitted?: Promise<void>;
  /**
   * the model and provider that answer, from the workspace's resolved provider: the gateway
   * honours a requested model and wraps the provider; default the resolved one as it is
   */
  connect?(resolved: ResolvedProvider): { target: ResolvedProvider; provider: ChatProvider };
  /**
   * what is sent to which model; the claim carries the conversation of an earlier attempt, and
   * the workspace's output history (read while the key was claimed) goes to `planOperation`
   */
  plan(target: ResolvedProvider, claimed: { conversationId: string | null; outputHistory: Promise<number[]> }): Promise<OperationPlan>;
  /** a client's own output bound: hold less and stop sooner */
  bound?(plan: OperationPlan): Pick<ReserveOptions, 'millicredits' | 'maxTokens'>;
  /** rows of the adapter written while the provider is called; what the request's row links to */
  attach(plan: OperationPlan, reservation: Reservation): Promise<{ links: { conversationId?: string; messageId?: string }; value: Links }>;
}

export type Metered<Links> = { kind: 'replay'; result: Record<string, unknown>; content: string | null } | { kind: 'run'; run: MeteredAttempt<Links> };

/**
 * The one metering pipeline of AI answers:
 * claim the idempotency key → plan (estimate, hold size, output bound) → reserve → stream from
 * the provider → settle (capture what was produced, or void) → receipt, noted on the key's row.
 *
 * A settled key is a `replay` of what was stored; a running one is 409; one that charged
 * nothing runs again as a new attempt. Whatever fails before the stream starts frees the key
 * and voids the hold (the run settles on its way out). The estimate's history is read while
 * the key is claimed; the provider is called while the adapter writes its rows (`attach`), and
 * the key's row notes the hold while the answer streams: round trips to the database that the
 * first delta does not wait for.
 */
export async function meter<Links>(ai: AiRuntime, request: MeterRequest<Links>): Promise<Metered<Links>> {
  const { ctx } = request;
  // the estimate's history is read beside the claim (a read: harmless when the key replays), and
  // the limits decide meanwhile; a refused request leaves the key as it found it
  const outputHistory = readOutputHistory(ai, ctx, request.operation);
  const [admission, claimed] = await Promise.allSettled([
    request.admitted,
    ai.requests.claim(ctx, request.key, request.requestHash, request.operation),
  ]);
  if (admission.status === 'rejected') {
    if (claimed.status === 'fulfilled' && claimed.value.kind === 'run') await ai.requests.unclaim({ ctx, key: request.key, attempt: claimed.value.attempt });
    throw admission.reason;
  }
  if (claimed.status === 'rejected') throw claimed.reason;
  const claim = claimed.value;
  if (claim.kind === 'replay') return claim;
  if (claim.kind === 'busy') throw stillRunning();
  const ref: AttemptRef = { ctx, key: request.key, attempt: claim.attempt };

  let plan: OperationPlan;
  let run: MeteredRun;
  let reservation: Reservation;
  const cancelled = new AbortController();
  try {
    const resolved = await ai.providers.resolve(ctx);
    // a BYOK key that does not decrypt is refused before anything is held
    const { target, provider } = request.connect?.(resolved) ?? { target: resolved, provider: resolved.connect() };
    plan = await request.plan(target, { conversationId: claim.conversationId, outputHistory });
    reservation = await reserve(ai.ledger, ai.rates, ctx, plan, {
      holdKey: `${request.holdPrefix}:${request.key}:${claim.attempt}`,
      ttlSeconds: ai.holdTtlSeconds,
      ...request.bound?.(plan),
    });
    run = new MeteredRun(ai.runDeps, ctx, plan, reservation, provider, [request.signal, ai.shutdownSignal, cancelled.signal]);
  } catch (err) {
    await ai.requests.release(ref);
    throw err;
  }

  const events = run.events();
  const first = events.next();
  let attached: Awaited<ReturnType<MeterRequest<Links>['attach']>>;
  try {
    attached = await request.attach(plan, reservation);
  } catch (err) {
    cancelled.abort();
    await drain(first, events);
    await ai.requests.release(ref);
    throw err;
  }
  // the key's row notes its hold and conversation while the answer streams; a row that could not
  // stops the run (it settles what was produced) and `end` fails, so the answer ends in error
  const noted = ai.requests.attach(ref, { holdId: reservation.holdId, ...attached.links });
  noted.catch(() => cancelled.abort());
  return { kind: 'run', run: new MeteredAttempt(ai, ref, plan, reservation, attached.value, cancelled, first, events, noted) };
}

/** A running attempt, as the adapter streams it in its wire format. */
export class MeteredAttempt<Links> {
  constructor(
    private readonly ai: AiRuntime,
    private readonly ref: AttemptRef,
    readonly plan: OperationPlan,
    readonly reservation: Reservation,
    /** what the adapter's `attach` answered */
    readonly links: Links,
    private readonly cancelled: AbortController,
    /** the run's first step: a delta, or the outcome of a run that never sent one */
    readonly first: Promise<RunStep>,
    private readonly events: AsyncGenerator<RunEvent, void>,
    /** the key's row noting the hold and the conversation; `end` updates the row after it */
    private readonly noted: Promise<void>,
  ) {}

  /** The first step if it comes within `ms`, else undefined (the stream opens without it). */
  firstWithin(ms: number): Promise<RunStep | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      this.first.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** Stops the run (the client cancelled the answer); it settles what was produced. */
  cancel(): void {
    this.cancelled.abort();
  }

  /**
   * Streams the run's deltas to `onDelta` as the provider sent them (with their tool calls
   * and log probabilities, which the gateway passes on) and answers its settled outcome.
   */
  async stream(onDelta: (delta: DeltaEvent) => void): Promise<RunOutcome> {
    let outcome: RunOutcome | undefined;
    for (let step = await this.first; !step.done; step = await this.events.next()) {
      if (step.value.type === 'delta') onDelta(step.value);
      else outcome = step.value.outcome;
    }
    if (!outcome) throw new Error('the run ended without an outcome');
    return outcome;
  }

  /** Notes how the attempt ended on the key's row: `replay` is what a replay of a charged key answers. */
  async end(outcome: RunOutcome, replay: object): Promise<void> {
    // after the row's note (both update the row); written even when the note failed, so that the
    // key replays what was charged or is free again, and then that failure is the answer's end
    const unnoted = await this.noted.then(
      () => undefined,
      (err: unknown) => ({ err }),
    );
    await this.ai.requests.end(this.ref, attemptEnd(outcome, replay));
    if (unnoted) throw unnoted.err;
  }

  /** Keeps the stream's settling work in view of the server's shutdown. */
  track(work: Promise<unknown>): void {
    this.ai.track(work);
  }
}
