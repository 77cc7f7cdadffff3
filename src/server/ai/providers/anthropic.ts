import * as z from 'zod/mini';
import { joinUrl, UpstreamCall, type HttpProviderOptions } from './upstream-call.js';
import { ProviderError, type ChatProvider, type FinishReason, type GenerationParams, type ProviderEvent, type ProviderRequest, type Turn } from './types.js';

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
const ContentBlockStart = z.looseObject({
  index: z.number(),
  content_block: z.looseObject({ type: z.string(), id: z.optional(z.string()), name: z.optional(z.string()) }),
});
const ContentBlockDelta = z.looseObject({
  index: z.optional(z.number()),
  delta: z.looseObject({ type: z.string(), text: z.optional(z.string()), partial_json: z.optional(z.string()) }),
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
  if (reason === 'tool_use') return 'tool_calls';
  return 'other';
}

/** The forced tool a `json_schema` response format becomes: its input is the answer. */
const JSON_ANSWER_TOOL = 'json_answer';
const JSON_OBJECT_INSTRUCTION = 'Answer with one JSON object and nothing else: no prose, no code fence.';

type ContentBlock = Record<string, unknown>;

function inputOf(args: string): unknown {
  try {
    return args.trim() === '' ? {} : (JSON.parse(args) as unknown);
  } catch {
    throw new ProviderError('protocol', 'a tool call in the conversation has arguments that are not JSON');
  }
}

/**
 * Turns as Messages writes them: an assistant's tool calls become `tool_use` blocks, tool
 * results `tool_result` blocks of a user turn; consecutive turns of one role are merged,
 * as Messages wants the roles to alternate.
 */
export function anthropicMessages(turns: readonly Turn[]): { role: 'user' | 'assistant'; content: string | ContentBlock[] }[] {
  const out: { role: 'user' | 'assistant'; content: ContentBlock[] }[] = [];
  for (const turn of turns) {
    const role = turn.role === 'assistant' ? 'assistant' : 'user';
    const blocks: ContentBlock[] = [];
    if (turn.role === 'tool') blocks.push({ type: 'tool_result', tool_use_id: turn.toolCallId, content: turn.content });
    else if (turn.content !== '') blocks.push({ type: 'text', text: turn.content });
    if (turn.role === 'assistant' && 'toolCalls' in turn) {
      for (const call of turn.toolCalls) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: inputOf(call.arguments) });
    }
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  // a turn of text alone is sent as a string, as it always was
  return out.map(({ role, content }) =>
    content.length === 1 && content[0]!.type === 'text' ? { role, content: content[0]!.text as string } : { role, content },
  );
}

/**
 * OpenAI's parameters in Messages' terms. `stop` becomes `stop_sequences`; tools and
 * `tool_choice` map one to one (`required` is `any`); a `json_schema` response format is a
 * forced tool whose input is the answer (streamed back as text); `json_object` is an
 * instruction. `seed`, the penalties and `logprobs` have no equivalent and are not sent.
 */
export function anthropicParams(params: GenerationParams | undefined): { body: Record<string, unknown>; system: string | undefined; schemaTool: boolean } {
  const body: Record<string, unknown> = {};
  if (!params) return { body, system: undefined, schemaTool: false };
  if (params.temperature !== undefined) body.temperature = Math.min(1, params.temperature);
  if (params.top_p !== undefined) body.top_p = params.top_p;
  if (params.stop !== undefined) body.stop_sequences = typeof params.stop === 'string' ? [params.stop] : params.stop;
  const tools = (params.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: tool.parameters ?? { type: 'object', properties: {} },
  }));
  const choice = params.tool_choice;
  let toolChoice: Record<string, unknown> | undefined =
    choice === undefined ? undefined : choice === 'required' ? { type: 'any' } : typeof choice === 'string' ? { type: choice } : { type: 'tool', name: choice.name };
  const format = params.response_format;
  let system: string | undefined;
  let schemaTool = false;
  if (format?.type === 'json_schema') {
    const { name, description, schema } = format.json_schema;
    tools.push({ name: JSON_ANSWER_TOOL, description: description ?? `Give the answer as ${name}.`, input_schema: schema ?? { type: 'object', properties: {} } });
    toolChoice = { type: 'tool', name: JSON_ANSWER_TOOL };
    schemaTool = true;
  } else if (format?.type === 'json_object') {
    system = JSON_OBJECT_INSTRUCTION;
  }
  if (params.parallel_tool_calls === false && toolChoice?.type !== 'none') toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  if (tools.length > 0) body.tools = tools;
  if (toolChoice) body.tool_choice = toolChoice;
  return { body, system, schemaTool };
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
      const params = anthropicParams(request.params);
      const system = [request.system, params.system].filter(Boolean).join('\n\n');
      const body = {
        ...params.body,
        model: request.params?.model ?? this.model,
        max_tokens: request.maxTokens,
        ...(system ? { system } : {}),
        messages: anthropicMessages(request.params?.turns ?? request.messages),
        stream: true,
      };
      // content block index → tool call index (in the order the calls start)
      const toolIndex = new Map<number, number>();
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
          case 'content_block_start': {
            const { index, content_block: block } = parse(ContentBlockStart, data, event.event);
            if (block.type !== 'tool_use' || params.schemaTool) break;
            toolIndex.set(index, toolIndex.size);
            yield { type: 'delta', text: '', toolCalls: [{ index: toolIndex.get(index)!, id: block.id ?? `toolu_${index}`, name: block.name ?? '', arguments: '' }] };
            break;
          }
          case 'content_block_delta': {
            const { index, delta } = parse(ContentBlockDelta, data, event.event);
            if (delta.type === 'text_delta' && delta.text) yield { type: 'delta', text: delta.text };
            if (delta.type === 'input_json_delta' && delta.partial_json) {
              // the forced answer tool's input is the answer itself
              if (params.schemaTool) yield { type: 'delta', text: delta.partial_json };
              else if (index !== undefined && toolIndex.has(index)) yield { type: 'delta', text: '', toolCalls: [{ index: toolIndex.get(index)!, arguments: delta.partial_json }] };
            }
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
            // content_block_stop and event types added later carry no text or usage
            break;
        }
        if (stopped) break;
      }
      if (inputTokens === undefined || outputTokens === undefined) {
        throw new ProviderError('protocol', 'the AI provider ended the stream without reporting token usage');
      }
      if (!stopped) throw new ProviderError('protocol', 'the AI provider ended the stream before message_stop');
      const finishReason = params.schemaTool && stopReason === 'tool_use' ? 'stop' : finishReasonOf(stopReason);
      yield { type: 'usage', inputTokens, outputTokens, finishReason, model };
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
