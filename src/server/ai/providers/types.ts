import type { OperationType } from '../../../contract/index.js';

export type ChatRole = 'user' | 'assistant';

/** One turn of a conversation as providers receive it; the system prompt travels apart. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** What every provider is asked: a system prompt, the (already capped) conversation and an output limit. */
export interface ProviderRequest {
  system: string;
  /** oldest first; the last one is the builder's new prompt */
  messages: readonly ChatMessage[];
  /** upper bound on output tokens, sized by the caller so the cost stays inside the hold */
  maxTokens: number;
  /** the operation type; the demo provider answers by it, real providers ignore it */
  operation?: OperationType;
  /** aborting it (builder stops, client disconnects) ends the stream with `ProviderError('aborted')` */
  signal?: AbortSignal;
  /** what a gateway client asked for beyond the conversation; `/chat` sets none */
  params?: GenerationParams;
}

/** A tool call the model made: `arguments` is the JSON text of its input. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * A turn of a conversation that may carry tool calls and their results (OpenAI's model:
 * an assistant turn calls tools, one `tool` turn answers each call). Plain chat turns are
 * the same as `ChatMessage`.
 */
export type Turn = ChatMessage | { role: 'assistant'; content: string; toolCalls: ToolCall[] } | { role: 'tool'; toolCallId: string; content: string };

/** A function the model may call: its parameters are a JSON schema. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

/** `auto` (the model decides), `none`, `required` (some tool), or the named function. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

/**
 * Generation parameters, named and shaped as OpenAI's Chat Completions names them. An
 * OpenAI-compatible provider passes them on; the Anthropic provider translates what has an
 * equivalent (see docs/ai.md, "The OpenAI-compatible gateway").
 */
export interface GenerationParams {
  /** the model asked for instead of the configured one (already checked to be priced) */
  model?: string;
  /** the conversation with its tool calls and results; when set it replaces `messages` */
  turns?: readonly Turn[];
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  response_format?: ResponseFormat;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
}

/** Why the model stopped: `length` means it hit `maxTokens`; `tool_calls` that it called tools. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'other';

/**
 * A piece of a tool call, in order: the first piece of call `index` has its `id` and
 * `name`, later ones append to its `arguments`.
 */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/**
 * A piece of answer text, in order. Tool call pieces come with empty text. Whatever meters
 * a run must pass these events on as they are: the gateway reads `toolCalls` and
 * `logprobs` from them (test/server/chat/gateway-tools.test.ts fails otherwise).
 */
export interface DeltaEvent {
  type: 'delta';
  text: string;
  toolCalls?: ToolCallDelta[];
  /** OpenAI's token log probabilities of this piece, when they were asked for (passed on as they are) */
  logprobs?: unknown[];
}

/** The last event of every successful stream, exactly once: the tokens the upstream bills. */
export interface UsageEvent {
  type: 'usage';
  inputTokens: number;
  outputTokens: number;
  finishReason: FinishReason;
  /** the model the upstream says answered (may be a dated snapshot of the one asked for) */
  model: string;
}

export type ProviderEvent = DeltaEvent | UsageEvent;

/**
 * One streaming chat interface over every upstream. `stream` yields `delta`s, then one
 * `usage`, then ends; any failure is thrown as a `ProviderError`. Breaking out of the
 * iteration cancels the upstream request.
 */
export interface ChatProvider {
  /** `openai`, `anthropic` or `demo` */
  readonly name: string;
  /** the model id sent upstream and used for pricing and token counting */
  readonly model: string;
  stream(request: ProviderRequest): AsyncIterable<ProviderEvent>;
}

/**
 * - `rate_limited`: upstream 429 (or a rate-limit error event); retry after `retryAfterSeconds`
 * - `auth`: upstream 401/403, the key was refused (a BYOK key is wrong or revoked)
 * - `upstream`: any other failure answer, or no answer at all (`status` undefined: connection refused, reset before headers)
 * - `protocol`: the answer broke the wire format: invalid JSON, a stream cut short, no usage
 * - `timeout`: no first byte, or no further byte, within the configured time
 * - `aborted`: the caller's signal aborted
 */
export type ProviderErrorKind = 'rate_limited' | 'auth' | 'upstream' | 'protocol' | 'timeout' | 'aborted';

export interface ProviderErrorDetails {
  status?: number;
  retryAfterSeconds?: number;
  /** input tokens the upstream had already reported before failing (Anthropic's message_start) */
  inputTokens?: number;
  cause?: unknown;
}

/** The only error a provider's stream throws. Its message never contains the API key. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  /** HTTP status of the upstream answer, when there was one */
  readonly status: number | undefined;
  /** set for `rate_limited`: from Retry-After (or retry-after-ms), at least 1, default 1 */
  readonly retryAfterSeconds: number | undefined;
  readonly inputTokens: number | undefined;

  constructor(kind: ProviderErrorKind, message: string, details: ProviderErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.retryAfterSeconds = kind === 'rate_limited' ? Math.max(1, details.retryAfterSeconds ?? 1) : details.retryAfterSeconds;
    this.inputTokens = details.inputTokens;
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}
