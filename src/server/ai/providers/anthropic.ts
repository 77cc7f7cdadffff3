import * as z from 'zod/mini';
import { joinUrl, UpstreamCall, type HttpProviderOptions } from './upstream-call.js';
import { ProviderError, type ChatProvider, type FinishReason, type ProviderEvent, type ProviderRequest } from './types.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';

const count = z.optional(z.nullable(z.number()));
const MessageStart = z.looseObject({
  message: z.looseObject({
    model: z.optional(z.string()),
    usage: z.looseObject({
      input_tokens: z.number(),
      cache_creation_input_tokens: count,
      cache_read_input_tokens: count,
    }),
  }),
});
const ContentBlockDelta = z.looseObject({
  delta: z.looseObject({ type: z.string(), text: z.optional(z.string()) }),
});
const MessageDelta = z.looseObject({
  delta: z.optional(z.looseObject({ stop_reason: z.optional(z.nullable(z.string())) })),
  usage: z.optional(z.looseObject({ output_tokens: z.number() })),
});
const ErrorEvent = z.looseObject({
  error: z.looseObject({ type: z.optional(z.string()), message: z.optional(z.string()) }),
});

function finishReasonOf(reason: string | null | undefined): FinishReason {
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  if (reason === 'max_tokens') return 'length';
  return 'other';
}

function parse<T extends z.ZodMiniType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw new ProviderError('protocol', `the AI provider streamed an unexpected ${what} event`);
  return parsed.data;
}

/** Anthropic Messages, streamed: POST {baseUrl}/v1/messages; usage from message_start and message_delta. */
export class AnthropicProvider implements ChatProvider {
  readonly name = 'anthropic';
  readonly model: string;
  private readonly baseUrl: string;

  constructor(private readonly options: HttpProviderOptions) {
    this.model = options.model;
    // accept the base URL with or without its /v1
    this.baseUrl = (options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  async *stream(request: ProviderRequest): AsyncGenerator<ProviderEvent> {
    const call = new UpstreamCall(request.signal, this.options.timeouts, this.options.apiKey, this.options.fetch);
    let inputTokens: number | undefined;
    try {
      const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
      if (this.options.apiKey) headers['x-api-key'] = this.options.apiKey;
      const body = {
        model: this.model,
        max_tokens: request.maxTokens,
        system: request.system,
        messages: request.messages.map(({ role, content }) => ({ role, content })),
        stream: true,
      };
      const response = await call.post(joinUrl(this.baseUrl, '/v1/messages'), headers, body);
      let outputTokens: number | undefined;
      let stopReason: string | null | undefined;
      let model = this.model;
      let stopped = false;
      for await (const event of call.events(response)) {
        if (event.event === 'ping') continue;
        const data = call.parseData(event);
        switch (event.event) {
          case 'message_start': {
            const { message } = parse(MessageStart, data, event.event);
            const usage = message.usage;
            // cache writes and reads are charged as full input: we never ask for caching, and overcharging beats undercharging
            inputTokens = usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
            if (message.model) model = message.model;
            break;
          }
          case 'content_block_delta': {
            const { delta } = parse(ContentBlockDelta, data, event.event);
            if (delta.type === 'text_delta' && delta.text) yield { type: 'delta', text: delta.text };
            break;
          }
          case 'message_delta': {
            // the final, cumulative output count (message_start's is only a placeholder)
            const parsed = parse(MessageDelta, data, event.event);
            if (parsed.usage) outputTokens = parsed.usage.output_tokens;
            if (parsed.delta?.stop_reason) stopReason = parsed.delta.stop_reason;
            break;
          }
          case 'message_stop':
            stopped = true;
            break;
          case 'error':
            throw this.streamError(call, parse(ErrorEvent, data, event.event).error);
          default:
            // content_block_start, content_block_stop and event types added later carry no text or usage
            break;
        }
        if (stopped) break;
      }
      if (inputTokens === undefined || outputTokens === undefined) {
        throw new ProviderError('protocol', 'the AI provider ended the stream without reporting token usage');
      }
      if (!stopped) throw new ProviderError('protocol', 'the AI provider ended the stream before message_stop');
      yield { type: 'usage', inputTokens, outputTokens, finishReason: finishReasonOf(stopReason), model };
    } catch (err) {
      if (err instanceof ProviderError && inputTokens !== undefined && err.inputTokens === undefined) {
        throw new ProviderError(err.kind, err.message, {
          status: err.status,
          retryAfterSeconds: err.retryAfterSeconds,
          inputTokens,
          cause: err.cause,
        });
      }
      throw err;
    } finally {
      call.close();
    }
  }

  private streamError(call: UpstreamCall, error: { type?: string; message?: string }): ProviderError {
    const message = `the AI provider failed mid-stream${error.message ? `: ${call.redact(error.message)}` : ''}`;
    if (error.type === 'rate_limit_error') return new ProviderError('rate_limited', message, { status: 429 });
    if (error.type === 'overloaded_error') return new ProviderError('upstream', message, { status: 529 });
    return new ProviderError('upstream', message);
  }
}
