import * as z from 'zod/mini';
import type { ChatMessage, FinishReason } from '../ai/index.js';
import { ApiError } from '../errors.js';

const TextPart = z.looseObject({ type: z.string(), text: z.optional(z.string()) });
const WireMessage = z.looseObject({
  role: z.string(),
  content: z.optional(z.nullable(z.union([z.string(), z.array(TextPart)]))),
});
const positiveInt = z.optional(z.nullable(z.number().check(z.int(), z.positive())));

/**
 * The part of an OpenAI Chat Completions request the gateway honours. Other parameters
 * (temperature, top_p, ...) are accepted and not forwarded; `model` is ignored: the
 * workspace's configured model answers, and the answer names it.
 */
export const CompletionRequest = z.looseObject({
  model: z.optional(z.string()),
  messages: z.array(WireMessage).check(z.minLength(1, { message: 'must have at least one message' })),
  stream: z.optional(z.nullable(z.boolean())),
  stream_options: z.optional(z.nullable(z.looseObject({ include_usage: z.optional(z.nullable(z.boolean())) }))),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  n: z.optional(z.nullable(z.number())),
  tools: z.optional(z.nullable(z.array(z.unknown()))),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `${field}: ${message}`, { field });
}

function textOf(content: z.infer<typeof WireMessage>['content'], field: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, i) => {
      if (part.type !== 'text' || typeof part.text !== 'string') throw invalid(`${field}[${i}]`, 'only text parts are supported');
      return part.text;
    })
    .join('');
}

/** The request as a provider takes it: system and developer messages joined, then the turns. */
export function chatOf(request: CompletionRequest): { system: string; messages: ChatMessage[] } {
  if (request.n !== undefined && request.n !== null && request.n !== 1) throw invalid('n', 'only 1 is supported');
  if (request.tools?.length) throw invalid('tools', 'tools are not supported by this gateway');
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  request.messages.forEach((message, i) => {
    const text = textOf(message.content, `messages[${i}].content`);
    if (message.role === 'system' || message.role === 'developer') system.push(text);
    else if (message.role === 'user' || message.role === 'assistant') messages.push({ role: message.role, content: text });
    else throw invalid(`messages[${i}].role`, `${message.role} messages are not supported (system, developer, user, assistant)`);
  });
  if (messages.at(-1)?.role !== 'user') throw invalid('messages', 'the last message must be from the user');
  return { system: system.join('\n\n'), messages };
}

/** What a completion reports, streamed or not, and what a replay answers again. */
export interface CompletionSummary {
  id: string;
  created: number;
  model: string;
  text: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
}

export function wireFinishReason(reason: FinishReason | null, stopped: boolean): 'stop' | 'length' {
  return reason === 'length' || stopped ? 'length' : 'stop';
}

function usageOf(summary: CompletionSummary) {
  return { prompt_tokens: summary.promptTokens, completion_tokens: summary.completionTokens, total_tokens: summary.promptTokens + summary.completionTokens };
}

/** A non-streaming `chat.completion`. */
export function completionBody(summary: CompletionSummary) {
  return {
    id: summary.id,
    object: 'chat.completion',
    created: summary.created,
    model: summary.model,
    choices: [{ index: 0, message: { role: 'assistant', content: summary.text, refusal: null }, logprobs: null, finish_reason: summary.finishReason }],
    usage: usageOf(summary),
    system_fingerprint: null,
  };
}

/** Builds the `chat.completion.chunk`s of one streamed completion. */
export class ChunkWriter {
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

  delta(text: string) {
    return this.chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }]);
  }

  finish(reason: 'stop' | 'length') {
    return this.chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: reason }]);
  }

  /** The usage chunk, or undefined when it was not asked for. */
  usage(summary: CompletionSummary) {
    return this.includeUsage ? this.chunk([], usageOf(summary)) : undefined;
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
  const { field, issues: _issues, ...details } = err.details as { field?: string; issues?: unknown };
  const code = err.code === 'unauthorized' ? 'invalid_api_key' : err.code === 'rate_limited' ? 'rate_limit_exceeded' : err.code;
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
