import * as z from 'zod/mini';
import { bareModelId } from '../model-id.js';
import { joinUrl, UpstreamCall, type HttpProviderOptions } from './upstream-call.js';
import { ProviderError, type ChatProvider, type FinishReason, type GenerationParams, type ProviderEvent, type ProviderRequest, type Turn } from './types.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * The name of the output limit. `max_tokens` is what every OpenAI-compatible server
 * accepts (xAI, OpenRouter, Ollama, vLLM, LM Studio); OpenAI's reasoning models (o1, o3,
 * o4, gpt-5) refuse it and take only `max_completion_tokens`, which older compatible
 * servers in turn ignore. So: `max_completion_tokens` for those model families, else
 * `max_tokens`, unless configured.
 */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

export function maxTokensFieldFor(model: string): MaxTokensField {
  return /^(o\d|gpt-5)/.test(bareModelId(model)) ? 'max_completion_tokens' : 'max_tokens';
}

export interface OpenAiProviderOptions extends HttpProviderOptions {
  maxTokensField?: MaxTokensField;
}

const Usage = z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() });
const text = z.optional(z.nullable(z.string()));
const ToolCallPiece = z.looseObject({
  index: z.optional(z.number()),
  id: text,
  function: z.optional(z.nullable(z.looseObject({ name: text, arguments: text }))),
});
const Logprobs = z.optional(z.nullable(z.looseObject({ content: z.optional(z.nullable(z.array(z.unknown()))) })));
const Chunk = z.looseObject({
  model: z.optional(z.string()),
  choices: z.optional(
    z.array(
      z.looseObject({
        delta: z.optional(z.looseObject({ content: text, tool_calls: z.optional(z.nullable(z.array(ToolCallPiece))) })),
        logprobs: Logprobs,
        finish_reason: z.optional(z.nullable(z.string())),
      }),
    ),
  ),
  usage: z.optional(z.nullable(Usage)),
  error: z.optional(z.unknown()),
});
const Completion = z.looseObject({
  model: z.optional(z.string()),
  choices: z.array(
    z.looseObject({
      message: z.looseObject({ content: text, tool_calls: z.optional(z.nullable(z.array(ToolCallPiece))) }),
      logprobs: Logprobs,
      finish_reason: z.optional(z.nullable(z.string())),
    }),
  ),
  usage: z.optional(z.nullable(Usage)),
});

function finishReasonOf(reason: string | null | undefined): FinishReason {
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  return 'other';
}

/** A turn as Chat Completions writes it. */
function wireTurn(turn: Turn): Record<string, unknown> {
  if (turn.role === 'tool') return { role: 'tool', tool_call_id: turn.toolCallId, content: turn.content };
  if (turn.role === 'assistant' && 'toolCalls' in turn && turn.toolCalls.length > 0) {
    return {
      role: 'assistant',
      content: turn.content === '' ? null : turn.content,
      tool_calls: turn.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
    };
  }
  return { role: turn.role, content: turn.content };
}

/** The parameters as Chat Completions names them; unset ones are left out. */
function wireParams(params: GenerationParams | undefined): Record<string, unknown> {
  if (!params) return {};
  const { model: _model, turns: _turns, tools, tool_choice: choice, ...rest } = params;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  if (tools) {
    out.tools = tools.map(({ name, description, parameters, strict }) => ({
      type: 'function',
      function: { name, ...(description === undefined ? {} : { description }), ...(parameters === undefined ? {} : { parameters }), ...(strict === undefined ? {} : { strict }) },
    }));
  }
  if (choice !== undefined) out.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  return out;
}

function toolCallDelta(piece: z.infer<typeof ToolCallPiece>, i: number) {
  const fn = piece.function;
  return {
    index: piece.index ?? i,
    ...(piece.id ? { id: piece.id } : {}),
    ...(fn?.name ? { name: fn.name } : {}),
    ...(fn?.arguments ? { arguments: fn.arguments } : {}),
  };
}

/** OpenAI-compatible Chat Completions, streamed: POST {baseUrl}/chat/completions with usage requested. */
export class OpenAiProvider implements ChatProvider {
  readonly name = 'openai';
  readonly model: string;
  private readonly baseUrl: string;
  private readonly maxTokensField: MaxTokensField;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.model = options.model;
    this.baseUrl = options.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
    this.maxTokensField = options.maxTokensField ?? maxTokensFieldFor(options.model);
  }

  async *stream(request: ProviderRequest): AsyncGenerator<ProviderEvent> {
    const call = new UpstreamCall(request.signal, this.options.timeouts, this.options.apiKey, this.options.fetch);
    try {
      const headers: Record<string, string> = this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {};
      const turns = request.params?.turns ?? request.messages;
      const body = {
        ...wireParams(request.params),
        model: request.params?.model ?? this.model,
        messages: [...(request.system ? [{ role: 'system', content: request.system }] : []), ...turns.map(wireTurn)],
        stream: true,
        stream_options: { include_usage: true },
        [this.maxTokensField]: request.maxTokens,
      };
      const response = await call.post(joinUrl(this.baseUrl, '/chat/completions'), headers, body);
      if ((response.headers.get('content-type') ?? '').includes('application/json')) {
        // a server that ignores `stream: true` answers one completion
        yield* this.fromCompletion(await call.json(response));
        return;
      }
      yield* this.fromStream(call, response);
    } finally {
      call.close();
    }
  }

  private *fromCompletion(json: unknown): Generator<ProviderEvent> {
    const parsed = z.safeParse(Completion, json);
    if (!parsed.success) throw new ProviderError('protocol', 'the AI provider answered an unexpected completion');
    const choice = parsed.data.choices[0];
    const usage = parsed.data.usage;
    if (!usage) throw new ProviderError('protocol', 'the AI provider reported no token usage');
    const calls = choice?.message.tool_calls ?? [];
    const logprobs = choice?.logprobs?.content ?? undefined;
    if (choice?.message.content || calls.length > 0 || logprobs) {
      yield {
        type: 'delta',
        text: choice?.message.content ?? '',
        ...(calls.length > 0 ? { toolCalls: calls.map((call, i) => ({ index: i, id: call.id ?? `call_${i}`, name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' })) } : {}),
        ...(logprobs ? { logprobs } : {}),
      };
    }
    yield {
      type: 'usage',
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      finishReason: finishReasonOf(choice?.finish_reason),
      model: parsed.data.model ?? this.model,
    };
  }

  private async *fromStream(call: UpstreamCall, response: Response): AsyncGenerator<ProviderEvent> {
    let usage: z.infer<typeof Usage> | undefined;
    let finishReason: string | null | undefined;
    let model = this.model;
    for await (const event of call.events(response)) {
      if (event.data === '[DONE]') break;
      const parsed = z.safeParse(Chunk, call.parseData(event));
      if (!parsed.success) throw new ProviderError('protocol', 'the AI provider streamed an unexpected chunk');
      const chunk = parsed.data;
      if (chunk.error !== undefined) {
        const message = (chunk.error as { message?: unknown })?.message;
        throw new ProviderError('upstream', `the AI provider failed mid-stream${typeof message === 'string' ? `: ${call.redact(message)}` : ''}`);
      }
      if (chunk.model) model = chunk.model;
      // some servers (vLLM, OpenRouter) repeat usage on every chunk: the last one counts
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices ?? []) {
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const text = choice.delta?.content ?? '';
        const calls = choice.delta?.tool_calls ?? [];
        const logprobs = choice.logprobs?.content ?? undefined;
        if (text || calls.length > 0 || logprobs?.length) {
          yield {
            type: 'delta',
            text,
            ...(calls.length > 0 ? { toolCalls: calls.map(toolCallDelta) } : {}),
            ...(logprobs?.length ? { logprobs } : {}),
          };
        }
      }
    }
    // a stream that ends without [DONE] but after its usage lost nothing that is billed
    if (!usage) throw new ProviderError('protocol', 'the AI provider ended the stream without reporting token usage');
    yield { type: 'usage', inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, finishReason: finishReasonOf(finishReason), model };
  }
}
