import * as z from 'zod/mini';
import { bareModelId } from '../model-id.js';
import { joinUrl, UpstreamCall, type HttpProviderOptions } from './upstream-call.js';
import { ProviderError, type ChatProvider, type FinishReason, type ProviderEvent, type ProviderRequest } from './types.js';

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
const Chunk = z.looseObject({
  model: z.optional(z.string()),
  choices: z.optional(
    z.array(
      z.looseObject({
        delta: z.optional(z.looseObject({ content: z.optional(z.nullable(z.string())) })),
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
      message: z.looseObject({ content: z.optional(z.nullable(z.string())) }),
      finish_reason: z.optional(z.nullable(z.string())),
    }),
  ),
  usage: z.optional(z.nullable(Usage)),
});

function finishReasonOf(reason: string | null | undefined): FinishReason {
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
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
      const body = {
        model: this.model,
        messages: [{ role: 'system', content: request.system }, ...request.messages.map(({ role, content }) => ({ role, content }))],
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
    if (choice?.message.content) yield { type: 'delta', text: choice.message.content };
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
        const text = choice.delta?.content;
        if (text) yield { type: 'delta', text };
      }
    }
    // a stream that ends without [DONE] but after its usage lost nothing that is billed
    if (!usage) throw new ProviderError('protocol', 'the AI provider ended the stream without reporting token usage');
    yield { type: 'usage', inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, finishReason: finishReasonOf(finishReason), model };
  }
}
