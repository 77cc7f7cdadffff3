import * as z from 'zod/mini';
import type { Receipt } from '../../contract/index.js';
import type { ChatMessage, DeltaEvent, FinishReason, GenerationParams, ToolCall, Turn } from '../ai/index.js';
import { ApiError } from '../errors.js';

/** The request the gateway honours, declared once in the contract (the route table's body of `POST /v1/chat/completions`). */
import { ChatCompletionRequest, type ChatCompletionMessage } from '../../contract/openai.js';
export const CompletionRequest = ChatCompletionRequest;
export type CompletionRequest = ChatCompletionRequest;

function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `${field}: ${message}`, { field });
}

function textOf(content: z.infer<typeof ChatCompletionMessage>['content'], field: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, i) => {
      if (part.type !== 'text' || typeof part.text !== 'string') throw invalid(`${field}[${i}]`, 'only text parts are supported');
      return part.text;
    })
    .join('');
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** null and undefined alike are "not set". */
function set<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** The parameters a provider is sent, OpenAI-named, with null and absent fields left out. */
function paramsOf(request: CompletionRequest, turns: Turn[]): GenerationParams {
  const format = set(request.response_format);
  const choice = set(request.tool_choice);
  const params: GenerationParams = {
    turns,
    temperature: set(request.temperature),
    top_p: set(request.top_p),
    stop: set(request.stop),
    seed: set(request.seed),
    presence_penalty: set(request.presence_penalty),
    frequency_penalty: set(request.frequency_penalty),
    logprobs: set(request.logprobs),
    top_logprobs: set(request.top_logprobs),
    parallel_tool_calls: set(request.parallel_tool_calls),
    response_format:
      format?.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.json_schema.name,
              ...(format.json_schema.description ? { description: format.json_schema.description } : {}),
              ...(format.json_schema.schema ? { schema: format.json_schema.schema } : {}),
              ...(typeof format.json_schema.strict === 'boolean' ? { strict: format.json_schema.strict } : {}),
            },
          }
        : format && { type: format.type },
    tools: request.tools?.map(({ function: fn }) => ({
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      ...(fn.parameters ? { parameters: fn.parameters } : {}),
      ...(typeof fn.strict === 'boolean' ? { strict: fn.strict } : {}),
    })),
    tool_choice: choice === undefined || typeof choice === 'string' ? choice : { name: choice.function.name },
  };
  if (params.top_logprobs !== undefined && !params.logprobs) throw invalid('top_logprobs', 'needs logprobs: true');
  if (params.tool_choice && typeof params.tool_choice !== 'string') {
    const name = params.tool_choice.name;
    if (!params.tools?.some((tool) => tool.name === name)) throw invalid('tool_choice', `names the function ${name}, which is not in tools`);
  } else if (params.tool_choice === 'required' && !params.tools?.length) {
    throw invalid('tool_choice', 'required needs tools');
  }
  if (!params.tools?.length) {
    // upstreams refuse tool settings without tools; `auto` and `none` mean the same then
    delete params.tools;
    delete params.tool_choice;
    delete params.parallel_tool_calls;
  }
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as GenerationParams;
}

/**
 * A gateway request as the metering plan counts it and as the provider is sent it. The
 * plan counts `system` (with the tools' and the response schema's JSON, which the upstream
 * bills as input) and `messages` (tool calls and results as text); the provider is sent
 * `call`: the client's system text and its turns as they are, and its parameters.
 */
export interface GatewayChat {
  system: string;
  messages: ChatMessage[];
  call: { system: string; params: GenerationParams };
}

/** The request as a provider takes it: system and developer messages joined, then the turns. */
export function chatOf(request: CompletionRequest): GatewayChat {
  if (request.n !== undefined && request.n !== null && request.n !== 1) throw invalid('n', 'only 1 is supported');
  const system: string[] = [];
  const turns: Turn[] = [];
  const callIds = new Set<string>();
  request.messages.forEach((message, i) => {
    const text = textOf(message.content, `messages[${i}].content`);
    if (message.role === 'system' || message.role === 'developer') system.push(text);
    else if (message.role === 'user') turns.push({ role: 'user', content: text });
    else if (message.role === 'assistant') {
      const calls = message.tool_calls ?? [];
      calls.forEach((call, j) => {
        // every upstream takes the arguments as JSON (Anthropic as an object): refuse them here, not there
        if (!isJsonObject(call.function.arguments)) throw invalid(`messages[${i}].tool_calls[${j}].function.arguments`, 'must be a JSON object');
        callIds.add(call.id);
      });
      turns.push(
        calls.length > 0
          ? { role: 'assistant', content: text, toolCalls: calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })) }
          : { role: 'assistant', content: text },
      );
    } else if (message.role === 'tool') {
      const id = message.tool_call_id;
      if (!id || !callIds.has(id)) throw invalid(`messages[${i}].tool_call_id`, 'must name a tool call of an earlier assistant message');
      turns.push({ role: 'tool', toolCallId: id, content: text });
    } else throw invalid(`messages[${i}].role`, `${message.role} messages are not supported (system, developer, user, assistant, tool)`);
  });
  const last = turns.at(-1)?.role;
  if (last !== 'user' && last !== 'tool') throw invalid('messages', 'the last message must be from the user or a tool');
  const params = paramsOf(request, turns);
  const counted = [params.tools, params.response_format?.type === 'json_schema' ? params.response_format.json_schema : undefined]
    .filter((part) => part !== undefined)
    .map((part) => JSON.stringify(part));
  const messages: ChatMessage[] = turns.map((turn) => {
    if (turn.role === 'tool') return { role: 'user', content: turn.content };
    if ('toolCalls' in turn) return { role: 'assistant', content: [turn.content, ...turn.toolCalls.map((c) => `${c.name}(${c.arguments})`)].join('\n') };
    return turn;
  });
  const text = system.join('\n\n');
  return { system: [text, ...counted].filter(Boolean).join('\n\n'), messages, call: { system: text, params } };
}

/** The content, tool calls and log probabilities of a completion, assembled from their streamed pieces. */
export class ToolCallLog {
  private readonly calls: ToolCall[] = [];
  private readonly probs: unknown[] = [];
  private content = '';

  add(event: Pick<DeltaEvent, 'text' | 'toolCalls' | 'logprobs'>): void {
    this.content += event.text;
    for (const piece of event.toolCalls ?? []) {
      const call = (this.calls[piece.index] ??= { id: piece.id ?? `call_${piece.index}`, name: '', arguments: '' });
      if (piece.id) call.id = piece.id;
      if (piece.name) call.name += piece.name;
      if (piece.arguments) call.arguments += piece.arguments;
    }
    if (event.logprobs) this.probs.push(...event.logprobs);
  }

  text(): string {
    return this.content;
  }

  toolCalls(): ToolCall[] {
    return this.calls.filter(Boolean);
  }

  logprobs(): unknown[] | undefined {
    return this.probs.length > 0 ? this.probs : undefined;
  }
}

/** What a completion reports, streamed or not, and what a replay answers again. */
export interface CompletionSummary {
  id: string;
  created: number;
  model: string;
  text: string;
  finishReason: WireFinishReason;
  promptTokens: number;
  completionTokens: number;
  toolCalls?: ToolCall[];
  logprobs?: unknown[];
}

export type WireFinishReason = 'stop' | 'length' | 'tool_calls';

export function wireFinishReason(reason: FinishReason | null, stopped: boolean): WireFinishReason {
  if (reason === 'length' || stopped) return 'length';
  return reason === 'tool_calls' ? 'tool_calls' : 'stop';
}

/** How a metered run ended, as far as the wire tells it. */
interface EndedRun {
  status: string;
  text: string;
  finishReason: FinishReason | null;
  usage: { inputTokens: number; outputTokens: number; model: string } | null;
}

export function summaryOf(head: Pick<CompletionSummary, 'id' | 'created' | 'model'>, outcome: EndedRun, log?: ToolCallLog): CompletionSummary {
  const toolCalls = log?.toolCalls() ?? [];
  const logprobs = log?.logprobs();
  return {
    ...head,
    model: outcome.usage?.model ?? head.model,
    text: log ? log.text() : outcome.text,
    finishReason: wireFinishReason(outcome.finishReason, outcome.status === 'stopped'),
    promptTokens: outcome.usage?.inputTokens ?? 0,
    completionTokens: outcome.usage?.outputTokens ?? 0,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(logprobs ? { logprobs } : {}),
  };
}

/** The charge of a completion, as the gateway adds it to OpenAI's answer (the last chunk of a stream). */
export interface CreditNote {
  /** credits taken from the pool: 0 for BYOK */
  charged: number;
  receipt: string;
}

export function creditOf(receipt: Receipt): CreditNote {
  return { charged: receipt.byok ? 0 : receipt.credits, receipt: receipt.id };
}

function usageOf(summary: CompletionSummary) {
  return { prompt_tokens: summary.promptTokens, completion_tokens: summary.completionTokens, total_tokens: summary.promptTokens + summary.completionTokens };
}

function wireToolCalls(calls: readonly ToolCall[]) {
  return calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } }));
}

/** A non-streaming `chat.completion`, with the charge as `credit`. */
export function completionBody(summary: CompletionSummary, receipt?: Receipt) {
  const calls = summary.toolCalls ?? [];
  return {
    id: summary.id,
    object: 'chat.completion',
    created: summary.created,
    model: summary.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: calls.length > 0 && summary.text === '' ? null : summary.text,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: wireToolCalls(calls) } : {}),
        },
        logprobs: summary.logprobs ? { content: summary.logprobs, refusal: null } : null,
        finish_reason: summary.finishReason,
      },
    ],
    usage: usageOf(summary),
    system_fingerprint: null,
    ...(receipt ? { credit: creditOf(receipt) } : {}),
  };
}

/** Builds the `chat.completion.chunk`s of one streamed completion. */
export class ChunkWriter {
  /** tool calls whose first piece was sent (the first piece carries id, type and name) */
  private readonly started = new Set<number>();

  constructor(
    private readonly head: Pick<CompletionSummary, 'id' | 'created' | 'model'>,
    /** with `stream_options.include_usage` every chunk has `usage: null` and a last chunk carries it */
    private readonly includeUsage: boolean,
  ) {}

  private chunk(choices: unknown[], usage: unknown = null) {
    const { id, created, model } = this.head;
    return { id, object: 'chat.completion.chunk', created, model, system_fingerprint: null, choices, ...(this.includeUsage ? { usage } : {}) };
  }

  role() {
    return this.chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  }

  /** A piece of text, of tool calls, or both, with its log probabilities when asked for. */
  delta(piece: string | Pick<DeltaEvent, 'text' | 'toolCalls' | 'logprobs'>) {
    const { text, toolCalls, logprobs } = typeof piece === 'string' ? { text: piece, toolCalls: undefined, logprobs: undefined } : piece;
    const delta: Record<string, unknown> = {};
    // a tool call piece's text is its arguments, counted for metering: not content
    if (!toolCalls?.length) delta.content = text;
    if (toolCalls?.length) {
      delta.tool_calls = toolCalls.map((call) => {
        const first = !this.started.has(call.index);
        this.started.add(call.index);
        const fn = first ? { name: call.name ?? '', arguments: call.arguments ?? '' } : { arguments: call.arguments ?? '' };
        return first ? { index: call.index, id: call.id ?? `call_${call.index}`, type: 'function', function: fn } : { index: call.index, function: fn };
      });
    }
    return this.chunk([{ index: 0, delta, logprobs: logprobs ? { content: logprobs, refusal: null } : null, finish_reason: null }]);
  }

  /** The whole of a settled completion's content (a replay): its text, then its tool calls. */
  replayed(summary: CompletionSummary) {
    const toolCalls = (summary.toolCalls ?? []).map((call, index) => ({ index, ...call }));
    return [
      ...(summary.text === '' ? [] : [this.delta({ text: summary.text, logprobs: summary.logprobs })]),
      ...(toolCalls.length === 0 ? [] : [this.delta({ text: '', toolCalls })]),
    ];
  }

  /**
   * The end of the stream: the finish chunk, the usage chunk when it was asked for, and
   * `[DONE]`. The last chunk before `[DONE]` carries the charge as `credit`.
   */
  end(summary: CompletionSummary, receipt: Receipt): unknown[] {
    const credit = creditOf(receipt);
    const finish = this.chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: summary.finishReason }]);
    if (!this.includeUsage) return [{ ...finish, credit }, '[DONE]'];
    return [finish, { ...this.chunk([], usageOf(summary)), credit }, '[DONE]'];
  }
}

const ERROR_TYPES: Partial<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  402: 'insufficient_credits',
  403: 'permission_error',
  404: 'invalid_request_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** An API error in OpenAI's shape: `{ error: { message, type, param, code } }`, plus our details. */
export function openAiErrorBody(err: ApiError): { error: Record<string, unknown> } {
  const { field, issues: _issues, openAiCode, ...details } = err.details as { field?: string; issues?: unknown; openAiCode?: string };
  const code = openAiCode ?? (err.code === 'unauthorized' ? 'invalid_api_key' : err.code === 'rate_limited' ? 'rate_limit_exceeded' : err.code);
  return {
    error: {
      message: err.message,
      type: ERROR_TYPES[err.status] ?? 'server_error',
      param: field ?? null,
      code,
      ...details,
    },
  };
}
