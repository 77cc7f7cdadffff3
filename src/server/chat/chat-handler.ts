import type { Context } from 'hono';
import { ChatRequest, fromMillicredits, type ChatError, type ChatReserved, type Receipt } from '../../contract/index.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody } from '../http/validate.js';
import { sha256 } from '../ledger/ids.js';
import { attemptEnd, type AttemptRef } from './ai-requests.js';
import type { AiRuntime } from './ai-runtime.js';
import { planChat } from './chat-input.js';
import type { AnswerStatus, Turn } from './conversations.js';
import { MeteredRun, chargedCredits, drain, reserve, type RunEvent, type RunOutcome } from './metered-run.js';
import { estimateOf } from './operation-plan.js';
import { SseStream } from './sse-stream.js';

/** What a replay of a settled /chat key answers, kept on its ai_requests row. */
interface ChatReplay {
  reserved: ChatReserved;
  receipt: Receipt;
}

type Step = IteratorResult<RunEvent, void>;

export function stillRunning(): ApiError {
  return new ApiError('conflict', 'A request with this idempotency key is still being answered; retry when it has finished.', {}, { 'retry-after': '2' });
}

/** What makes two /chat requests with one idempotency key the same request. */
export function chatRequestHash(body: ChatRequest): string {
  const place = body.regenerateOf !== undefined ? ['regenerate', body.regenerateOf] : body.editOf !== undefined ? ['edit', body.editOf] : [];
  return sha256(JSON.stringify(['chat', body.operation, body.prompt ?? null, body.conversationId ?? null, ...place]));
}

/** Resolves with the first step, or with undefined when it takes longer than `ms`. */
function within(step: Promise<Step>, ms: number): Promise<Step | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    step.then(
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

/** The last event of a stream: `settled` when something was charged or recorded, else `error`. */
function finalEvent(outcome: RunOutcome): { event: 'settled'; data: { receipt: Receipt } } | { event: 'error'; data: ChatError } {
  if (outcome.receipt) return { event: 'settled', data: { receipt: outcome.receipt } };
  const failure = outcome.failure ?? { code: 'provider_error', message: 'Stopped before the AI provider sent any text. Not charged.' };
  const data: ChatError = { code: failure.code, message: failure.message, charged: chargedCredits(outcome) };
  if (failure.retryAfter !== undefined) data.retryAfter = failure.retryAfter;
  return { event: 'error', data };
}

/**
 * POST /chat. Validates, claims the idempotency key, reserves the estimate's max (402 as
 * JSON before any stream), and opens the stream once the provider has answered or the grace
 * period has passed, so that a provider's 429 can still be an HTTP 429. Then `reserved`,
 * `delta`s, and `settled` or `error`; the settling is tracked apart from the response, so it
 * completes when the builder has gone.
 *
 * A replayed idempotency key never runs twice: a settled request is answered again from what
 * was stored (reserved, the answer's text as one delta, settled with the same receipt), a
 * running one is 409, and one that charged nothing (refused, failed, stopped before any text)
 * runs again as a new attempt, in the same conversation.
 */
export async function handleChat(ai: AiRuntime, c: Context<AppEnv>): Promise<Response> {
  const ctx = c.get('builder');
  const body = await parseBody(c, ChatRequest);
  const claim = await ai.requests.claim(ctx, body.idempotencyKey, chatRequestHash(body), body.operation);
  if (claim.kind === 'replay') return replay(claim.result as unknown as ChatReplay, claim.content);
  if (claim.kind === 'busy') throw stillRunning();
  const ref: AttemptRef = { ctx, key: body.idempotencyKey, attempt: claim.attempt };

  const conversationId = body.conversationId ?? claim.conversationId ?? undefined;
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(ai, ref, body, conversationId);
  } catch (err) {
    await ai.requests.release(ref);
    throw err;
  }
  const { plan, reservation, provider, prompt, placement } = prepared;

  const cancelled = new AbortController();
  const events = new MeteredRun(ai.runDeps, ctx, plan, reservation, provider, [c.req.raw.signal, ai.shutdownSignal, cancelled.signal]).events();
  // the provider is called while the conversation's rows are written
  const first = events.next();
  let turn: Turn;
  try {
    turn = await ai.conversations.begin(ctx, { conversationId, operation: body.operation, prompt, placement });
    await ai.requests.attach(ref, { holdId: reservation.holdId, conversationId: turn.conversationId, messageId: turn.answerId });
  } catch (err) {
    cancelled.abort();
    await drain(first, events);
    await ai.requests.release(ref);
    throw err;
  }
  const reserved: ChatReserved = {
    holdId: reservation.holdId,
    credits: fromMillicredits(reservation.millicredits),
    estimate: estimateOf(plan),
    conversationId: turn.conversationId,
    messageId: turn.answerId,
  };

  const early = await within(first, ai.streamStartGraceMs);
  if (early?.value?.type === 'outcome' && early.value.outcome.failure?.code === 'rate_limited') {
    const { failure } = early.value.outcome;
    await record(ai, ref, turn, reserved, early.value.outcome);
    const retryAfter = failure.retryAfter ?? 1;
    throw new ApiError('rate_limited', failure.message, { retryAfter, charged: 0 }, { 'retry-after': String(retryAfter) });
  }

  const sse = new SseStream({ heartbeatMs: ai.heartbeatMs, onCancel: () => cancelled.abort() });
  sse.send('reserved', reserved);
  ai.track(pump(ai, ref, turn, reserved, sse, first, events));
  return sse.response;
}

/** Everything before the provider is called: the provider, the plan and the hold. */
async function prepare(ai: AiRuntime, ref: AttemptRef, body: ChatRequest, conversationId: string | undefined) {
  const { ctx } = ref;
  const target = await ai.providers.resolve(ctx);
  // a BYOK key that does not decrypt is refused before anything is held
  const provider = target.connect();
  const { plan, prompt, placement } = await planChat(ai, ctx, target, { ...body, conversationId });
  const reservation = await reserve(ai.ledger, ai.rates, ctx, plan, {
    holdKey: `chat:${ref.key}:${ref.attempt}`,
    ttlSeconds: ai.holdTtlSeconds,
  });
  return { plan, reservation, provider, prompt, placement };
}

async function pump(
  ai: AiRuntime,
  ref: AttemptRef,
  turn: Turn,
  reserved: ChatReserved,
  sse: SseStream,
  first: Promise<Step>,
  events: AsyncGenerator<RunEvent, void>,
): Promise<void> {
  try {
    let outcome: RunOutcome | undefined;
    for (let step = await first; !step.done; step = await events.next()) {
      if (step.value.type === 'delta') sse.send('delta', { text: step.value.text });
      else outcome = step.value.outcome;
    }
    if (!outcome) throw new Error('the run ended without an outcome');
    await record(ai, ref, turn, reserved, outcome);
    const last = finalEvent(outcome);
    sse.send(last.event, last.data);
  } catch (err) {
    console.error('credit-chat: a chat stream failed:', err instanceof Error ? err.message : 'unknown error');
    sse.send('error', { code: 'internal', message: 'The chat failed on the server.', charged: 0 } satisfies ChatError);
  } finally {
    sse.close();
  }
}

/** Saves the answer and how the attempt ended: replayable once charged, else free for a retry. */
async function record(ai: AiRuntime, ref: AttemptRef, turn: Turn, reserved: ChatReserved, outcome: RunOutcome): Promise<void> {
  const status: AnswerStatus = outcome.status;
  await ai.conversations.finish(turn.answerId, { content: outcome.text, status, receipt: outcome.receipt });
  await ai.requests.end(ref, attemptEnd(outcome, { reserved } satisfies Omit<ChatReplay, 'receipt'>));
}

function replay(stored: ChatReplay, content: string | null): Response {
  const sse = new SseStream({ headers: { 'idempotent-replayed': 'true' } });
  sse.send('reserved', stored.reserved);
  if (content) sse.send('delta', { text: content });
  sse.send('settled', { receipt: stored.receipt });
  sse.close();
  return sse.response;
}
