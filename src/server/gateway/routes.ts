import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { fromMillicredits, routes, type OperationType, type Receipt } from '../../contract/index.js';
import { GATEWAY_BASE } from '../../contract/routes.js';
import { millicreditsForUsage } from '../ai/index.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import type { RunOutcome } from '../metering/metered-run.js';
import { planOperation } from '../metering/operation-plan.js';
import { meter, type MeteredAttempt } from '../metering/pipeline.js';
import { SseStream } from '../metering/sse-stream.js';
import { ApiError } from '../errors.js';
import { requireBuilder, type AppEnv } from '../http/auth.js';
import { limitBodySize, type BuilderLimits } from '../http/limits.js';
import { handle } from '../http/route.js';
import { sha256 } from '../ledger/ids.js';
import { GatewayProvider } from './gateway-provider.js';
import { modelFor, mountModelRoutes, type GatewayModelOptions } from './models.js';
import { chatOf, ChunkWriter, completionBody, CompletionRequest, openAiErrorBody, summaryOf, type CompletionSummary } from './openai-wire.js';

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_OPERATION: OperationType = 'custom_code';

/** What a replay of a settled gateway key answers, kept on its ai_requests row. */
interface GatewayReplay {
  summary: CompletionSummary;
  receipt: Receipt;
}

function failureError(outcome: RunOutcome): ApiError {
  const failure = outcome.failure ?? { code: 'provider_error' as const, message: 'The AI provider sent nothing. Not charged.' };
  if (failure.code === 'rate_limited') {
    const retryAfter = failure.retryAfter ?? 1;
    return new ApiError('rate_limited', failure.message, { retryAfter }, { 'retry-after': String(retryAfter) });
  }
  return new ApiError(failure.code, failure.message);
}

function meteringHeaders(receipt: Receipt): Record<string, string> {
  return { 'x-credit-receipt': receipt.id, 'x-credit-charged': String(receipt.byok ? 0 : receipt.credits) };
}

/**
 * POST /v1/chat/completions: OpenAI-compatible, metered through the same holds as /chat.
 * The builder token is the API key; `X-Credit-Operation` names the operation type (default
 * custom_code); `Idempotency-Key` makes retries safe (a settled key answers its first
 * completion again; without the header every request is new). A client's `max_tokens`
 * sets what is held (what that many tokens could cost); without it, the estimate's max.
 * Errors are in OpenAI's shape: 402 when the credits are short, 429 with Retry-After.
 */
export function gatewayApp(ai: AiRuntime, adminToken: string | undefined, limits?: BuilderLimits, models: GatewayModelOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    const apiError = err instanceof ApiError ? err : new ApiError('internal', 'internal error');
    if (!(err instanceof ApiError)) console.error('credit-chat: gateway error:', err instanceof Error ? err.message : 'unknown');
    return c.json(openAiErrorBody(apiError), apiError.status as 400, apiError.headers);
  });
  app.use(limitBodySize(MAX_BODY_BYTES));
  app.use(requireBuilder(ai.ledger, adminToken));
  // the same limits as /api/v1, counted together with it: every completion takes a streaming slot
  if (limits) app.use(limits.middleware((c) => c.req.method === 'POST' && c.req.path.endsWith('/chat/completions')));
  handle(app, GATEWAY_BASE, routes.createChatCompletion, (c, { body, headers }) => completions(ai, c, models, body, headers));
  mountModelRoutes(app, ai, models);
  return app;
}

async function completions(
  ai: AiRuntime,
  c: Context<AppEnv>,
  models: GatewayModelOptions,
  request: CompletionRequest,
  headers: { 'idempotency-key'?: string; 'x-credit-operation'?: OperationType },
): Promise<Response> {
  const ctx = c.get('builder');
  const operation = headers['x-credit-operation'] ?? DEFAULT_OPERATION;
  const key = headers['idempotency-key'] ?? `gw-${randomUUID()}`;
  const chat = chatOf(request);
  const stream = request.stream === true;
  const includeUsage = stream && request.stream_options?.include_usage === true;
  const clientMaxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const hash = sha256(JSON.stringify(['gateway', operation, chat, stream, includeUsage, clientMaxTokens ?? null, request.model ?? null]));

  let head: Pick<CompletionSummary, 'id' | 'created' | 'model'> | undefined;
  let provider: GatewayProvider | undefined;
  const metered = await meter<null>(ai, {
    ctx,
    key,
    requestHash: hash,
    operation,
    holdPrefix: 'gateway',
    signal: c.req.raw.signal,
    admitted: c.get('admitted'),
    connect: (configured) => {
      const target = { ...configured, model: modelFor(request.model, configured.model, ai.prices, models) };
      provider = new GatewayProvider(configured.connect(), target.model, chat.call);
      return { target, provider };
    },
    plan: async (target, claimed) => {
      head = { id: `chatcmpl-${randomUUID().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000), model: target.model };
      const plan = await planOperation(ai, ctx, target, { operation, ...chat, outputHistory: claimed.outputHistory });
      // the client's turns are sent as they are: none may be dropped to fit
      if (plan.messages.length < chat.messages.length) throw new ApiError('invalid_input', "messages: too long for the model's context window", { field: 'messages' });
      return plan;
    },
    bound: (plan) => ({
      maxTokens: clientMaxTokens,
      millicredits:
        clientMaxTokens === undefined ? undefined : millicreditsForUsage(plan.price, { inputTokens: plan.inputTokens, outputTokens: clientMaxTokens }, ai.rates),
    }),
    attach: () => Promise.resolve({ links: {}, value: null }),
  });
  if (metered.kind === 'replay') return replay(metered.result as unknown as GatewayReplay, stream, includeUsage);
  const { run } = metered;
  const completion = head!;
  const log = provider!.log;
  const reserved = { 'x-credit-reserved': String(fromMillicredits(run.reservation.millicredits)) };

  const first = await run.first;
  const firstEvent = first.done ? undefined : first.value;
  if (firstEvent?.type === 'outcome' && !firstEvent.outcome.receipt) {
    await run.end(firstEvent.outcome, {});
    throw failureError(firstEvent.outcome);
  }
  if (!stream) {
    const outcome = await run.stream(() => {});
    const summary = summaryOf(completion, outcome, log);
    await run.end(outcome, { summary } satisfies Omit<GatewayReplay, 'receipt'>);
    if (!outcome.receipt) throw failureError(outcome);
    return c.json(completionBody(summary, outcome.receipt), 200, { ...meteringHeaders(outcome.receipt), ...reserved });
  }

  const writer = new ChunkWriter(completion, includeUsage);
  const sse = new SseStream({ headers: reserved, onCancel: () => run.cancel() });
  sse.send(undefined, writer.role());
  run.track(pumpChunks(run, completion, writer, sse, log));
  return sse.response;
}

async function pumpChunks(
  run: MeteredAttempt<null>,
  head: Pick<CompletionSummary, 'id' | 'created' | 'model'>,
  writer: ChunkWriter,
  sse: SseStream,
  log: GatewayProvider['log'],
): Promise<void> {
  try {
    const outcome = await run.stream((delta) => sse.send(undefined, writer.delta(delta)));
    const summary = summaryOf(head, outcome, log);
    await run.end(outcome, { summary } satisfies Omit<GatewayReplay, 'receipt'>);
    if (!outcome.receipt) {
      // OpenAI's own mid-stream failure: an error object as the data, then the end
      sse.send(undefined, openAiErrorBody(failureError(outcome)));
      return;
    }
    for (const chunk of writer.end(summary, outcome.receipt)) sse.send(undefined, chunk);
  } catch (err) {
    console.error('credit-chat: a gateway stream failed:', err instanceof Error ? err.message : 'unknown error');
    sse.send(undefined, openAiErrorBody(new ApiError('internal', 'The completion failed on the server.')));
  } finally {
    sse.close();
  }
}

function replay(stored: GatewayReplay, stream: boolean, includeUsage: boolean): Response {
  const headers = { ...meteringHeaders(stored.receipt), 'idempotent-replayed': 'true' };
  if (!stream) return Response.json(completionBody(stored.summary, stored.receipt), { headers });
  const writer = new ChunkWriter(stored.summary, includeUsage);
  const sse = new SseStream({ headers });
  sse.send(undefined, writer.role());
  for (const chunk of [...writer.replayed(stored.summary), ...writer.end(stored.summary, stored.receipt)]) sse.send(undefined, chunk);
  sse.close();
  return sse.response;
}

