import { FakeUpstream, sseEvent, type Dialect, type FakeReply, type PlannedReply, type RecordedRequest } from './fake-upstream.js';

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

/** OpenAI Chat Completions as api.openai.com writes it (chunks, final usage chunk, `[DONE]`). */
export const openAiDialect: Dialect = {
  path: '/v1/chat/completions',

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
    const choice = (delta: unknown, finishReason: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finishReason });
    const deltas = reply.chunks.map((text) => sseEvent(chunk([choice({ content: text })])));
    if (reply.fault === 'invalid_json' && deltas.length > 0) deltas[Math.floor(deltas.length / 2)] = 'data: {"id":"chatcmpl-fake","choices":[{"index":0,"delta":{"content":"oops"}\n\n';
    const after = [sseEvent(chunk([choice({}, reply.truncated ? 'length' : 'stop')]))];
    if (includeUsage) after.push(sseEvent(chunk([], usageOf(reply))));
    after.push('data: [DONE]\n\n');
    return {
      before: [sseEvent(chunk([choice({ role: 'assistant', content: '', refusal: null })]))],
      deltas,
      after,
      errorEvent: sseEvent({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }),
    };
  },

  json(_request: RecordedRequest, reply: PlannedReply) {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: CREATED,
      model: reply.model,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.chunks.join(''), refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: reply.truncated ? 'length' : 'stop',
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
