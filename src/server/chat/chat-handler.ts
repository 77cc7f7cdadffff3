import type { Context } from 'hono';
import { ChatRequest, fromMillicredits, type ChatError, type ChatReserved, type Receipt } from '../../contract/index.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/auth.js';
import { sha256 } from '../ledger/ids.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import { chargedCredits, type RunOutcome } from '../metering/metered-run.js';
import { estimateOf } from '../metering/operation-plan.js';
import { meter, type MeteredAttempt } from '../metering/pipeline.js';
import { SseStream } from '../metering/sse-stream.js';
import { planChat } from './chat-input.js';
import type { Turn } from './conversations.js';

/** What a replay of a settled /chat key answers, kept on its ai_requests row. */
interface ChatReplay {
  reserved: ChatReserved;
  receipt: Receipt;
}

/** What /chat writes while the provider is called: the conversation's turn and the `reserved` event. */
interface ChatLinks {
  turn: Turn;
  reserved: ChatReserved;
}

/** What makes two /chat requests with one idempotency key the same request. */
export function chatRequestHash(body: ChatRequest): string {
  const place = body.regenerateOf !== undefined ? ['regenerate', body.regenerateOf] : body.editOf !== undefined ? ['edit', body.editOf] : [];
  return sha256(JSON.stringify(['chat', body.operation, body.prompt ?? null, body.conversationId ?? null, ...place]));
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
 * POST /chat: the SSE adapter of the metering pipeline (src/server/metering/pipeline.ts).
 * Validates, meters (402 as JSON before any stream), and opens the stream once the provider
 * has answered or the grace period has passed, so that a provider's 429 can still be an HTTP
 * 429. Then `reserved`, `delta`s, and `settled` or `error`; the settling is tracked apart from
 * the response, so it completes when the builder has gone.
 *
 * A replayed idempotency key never runs twice: a settled request is answered again from what
 * was stored (reserved, the answer's text as one delta, settled with the same receipt), a
 * running one is 409, and one that charged nothing (refused, failed, stopped before any text)
 * runs again as a new attempt, in the same conversation.
 */
export async function handleChat(ai: AiRuntime, c: Context<AppEnv>, body: ChatRequest): Promise<Response> {
  const ctx = c.get('builder');
  let conversationId = body.conversationId;
  // the prompt and where its answer goes in the conversation: a new turn, another version of an
  // answer (regenerateOf), or a new branch from an edited prompt (editOf)
  let placed: Pick<Awaited<ReturnType<typeof planChat>>, 'prompt' | 'placement'> | undefined;
  const metered = await meter<ChatLinks>(ai, {
    ctx,
    key: body.idempotencyKey,
    requestHash: chatRequestHash(body),
    operation: body.operation,
    holdPrefix: 'chat',
    signal: c.req.raw.signal,
    admitted: c.get('admitted'),
    plan: async (target, claimed) => {
      conversationId ??= claimed.conversationId ?? undefined;
      const { plan, prompt, placement } = await planChat(ai, ctx, target, { ...body, conversationId, outputHistory: claimed.outputHistory });
      placed = { prompt, placement };
      return plan;
    },
    attach: async (plan, reservation) => {
      const turn = await ai.conversations.begin(ctx, { conversationId, operation: body.operation, prompt: placed!.prompt, placement: placed!.placement });
      const reserved: ChatReserved = {
        holdId: reservation.holdId,
        credits: fromMillicredits(reservation.millicredits),
        estimate: estimateOf(plan),
        conversationId: turn.conversationId,
        messageId: turn.answerId,
      };
      return { links: { conversationId: turn.conversationId, messageId: turn.answerId }, value: { turn, reserved } };
    },
  });
  if (metered.kind === 'replay') return replay(metered.result as unknown as ChatReplay, metered.content);
  const { run } = metered;

  const early = await run.firstWithin(ai.streamStartGraceMs);
  if (early?.value?.type === 'outcome' && early.value.outcome.failure?.code === 'rate_limited') {
    const { failure } = early.value.outcome;
    await record(ai, run, early.value.outcome);
    const retryAfter = failure.retryAfter ?? 1;
    throw new ApiError('rate_limited', failure.message, { retryAfter, charged: 0 }, { 'retry-after': String(retryAfter) });
  }

  const sse = new SseStream({ heartbeatMs: ai.heartbeatMs, onCancel: () => run.cancel() });
  sse.send('reserved', run.links.reserved);
  run.track(pump(ai, run, sse));
  return sse.response;
}

async function pump(ai: AiRuntime, run: MeteredAttempt<ChatLinks>, sse: SseStream): Promise<void> {
  let outcome: RunOutcome | undefined;
  try {
    outcome = await run.stream((delta) => sse.send('delta', { text: delta.text }));
    await record(ai, run, outcome);
    const last = finalEvent(outcome);
    sse.send(last.event, last.data);
  } catch (err) {
    console.error('credit-chat: a chat stream failed:', err instanceof Error ? err.message : 'unknown error');
    // once settled, what the run charged is known and said
    const charged = outcome ? chargedCredits(outcome) : 0;
    sse.send('error', { code: 'internal', message: 'The chat failed on the server.', charged } satisfies ChatError);
  } finally {
    sse.close();
  }
}

/** Saves the answer and how the attempt ended: replayable once charged, else free for a retry. */
async function record(ai: AiRuntime, run: MeteredAttempt<ChatLinks>, outcome: RunOutcome): Promise<void> {
  const { turn, reserved } = run.links;
  await ai.conversations.finish(turn.answerId, { content: outcome.text, status: outcome.status, receipt: outcome.receipt });
  await run.end(outcome, { reserved } satisfies Omit<ChatReplay, 'receipt'>);
}

function replay(stored: ChatReplay, content: string | null): Response {
  const sse = new SseStream({ headers: { 'idempotent-replayed': 'true' } });
  sse.send('reserved', stored.reserved);
  if (content) sse.send('delta', { text: content });
  sse.send('settled', { receipt: stored.receipt });
  sse.close();
  return sse.response;
}
