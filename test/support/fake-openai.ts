import { FakeUpstream, sseEvent, type Dialect, type FakeReply, type PlannedReply, type RecordedRequest, type StructuredAsk } from './fake-upstream.js';

const CREATED = 1_700_000_000;

function usageOf(reply: PlannedReply) {
  const { inputTokens, outputTokens } = reply.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function finishReasonOf(reply: PlannedReply): string {
  if (reply.truncated) return 'length';
  return reply.toolCall ? 'tool_calls' : 'stop';
}

/** A token's log probability as OpenAI writes it (the figure is made up; the shape is not). */
function logprobOf(token: string) {
  return { token, logprob: -0.25, bytes: [...Buffer.from(token, 'utf8')], top_logprobs: [] };
}

/** OpenAI Chat Completions as api.openai.com writes it (chunks, final usage chunk, `[DONE]`). */
export const openAiDialect: Dialect = {
  path: '/v1/chat/completions',

  ask(request: RecordedRequest): StructuredAsk | undefined {
    const body = request.body ?? {};
    const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
    const choice = body.tool_choice;
    const forced: string | undefined = typeof choice === 'object' && choice !== null ? choice.function?.name : undefined;
    const afterToolResult = Array.isArray(body.messages) && body.messages.at(-1)?.role === 'tool';
    if (tools.length > 0 && choice !== 'none' && (forced || choice === 'required' || !afterToolResult)) {
      const tool = tools.find((t) => t.function?.name === forced) ?? tools[0];
      return { kind: 'tool', name: tool.function.name, schema: tool.function.parameters };
    }
    const format = body.response_format;
    if (format?.type === 'json_schema') return { kind: 'json', schema: format.json_schema?.schema };
    if (format?.type === 'json_object') return { kind: 'json' };
    return undefined;
  },

  maxTokens(request: RecordedRequest) {
    const limit = request.body?.max_completion_tokens ?? request.body?.max_tokens;
    return typeof limit === 'number' ? limit : undefined;
  },

  inputText(request: RecordedRequest) {
    const messages = Array.isArray(request.body?.messages) ? request.body.messages : [];
    return messages.map((m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  },

  errorBody(status: number, message: string) {
    if (status === 429) return { error: { message, type: 'requests', param: null, code: 'rate_limit_exceeded' } };
    if (status === 401) return { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
    return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } };
  },

  streamEvents(request: RecordedRequest, reply: PlannedReply) {
    const includeUsage = request.body?.stream_options?.include_usage === true && reply.fault !== 'missing_usage';
    const chunk = (choices: unknown[], usage?: unknown) => ({
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: CREATED,
      model: reply.model,
      system_fingerprint: 'fp_fake',
      choices,
      ...(includeUsage ? { usage: usage ?? null } : {}),
    });
    const withLogprobs = request.body?.logprobs === true;
    const choice = (delta: unknown, finishReason: string | null = null, logprobs: unknown = null) => ({ index: 0, delta, logprobs, finish_reason: finishReason });
    const call = reply.toolCall;
    const deltas = reply.chunks.map((text) =>
      sseEvent(
        chunk([
          call
            ? choice({ tool_calls: [{ index: 0, function: { arguments: text } }] })
            : choice({ content: text }, null, withLogprobs ? { content: [logprobOf(text)], refusal: null } : null),
        ]),
      ),
    );
    if (reply.fault === 'invalid_json' && deltas.length > 0) deltas[Math.floor(deltas.length / 2)] = 'data: {"id":"chatcmpl-fake","choices":[{"index":0,"delta":{"content":"oops"}\n\n';
    const after = [sseEvent(chunk([choice({}, finishReasonOf(reply))]))];
    if (includeUsage) after.push(sseEvent(chunk([], usageOf(reply))));
    after.push('data: [DONE]\n\n');
    return {
      before: [
        sseEvent(
          chunk([
            choice(
              call
                ? { role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }], refusal: null }
                : { role: 'assistant', content: '', refusal: null },
            ),
          ]),
        ),
      ],
      deltas,
      after,
      errorEvent: sseEvent({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }),
    };
  },

  json(request: RecordedRequest, reply: PlannedReply) {
    const call = reply.toolCall;
    const text = reply.chunks.join('');
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: CREATED,
      model: reply.model,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: call
            ? { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: text } }], refusal: null, annotations: [] }
            : { role: 'assistant', content: text, refusal: null, annotations: [] },
          logprobs: request.body?.logprobs === true && !call ? { content: reply.chunks.map(logprobOf), refusal: null } : null,
          finish_reason: finishReasonOf(reply),
        },
      ],
      ...(reply.fault === 'missing_usage' ? {} : { usage: usageOf(reply) }),
    };
  },
};

/**
 * Starts a fake OpenAI-compatible upstream. Point a provider or the `openai` client at
 * `fake.url` (it ends in `/v1`).
 */
export async function startFakeOpenAI(reply: FakeReply = {}): Promise<FakeUpstream> {
  return new FakeUpstream(openAiDialect, '/v1').reply(reply).start();
}
