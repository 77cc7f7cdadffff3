import { FakeUpstream, sseEvent, type Dialect, type FakeReply, type PlannedReply, type RecordedRequest, type StructuredAsk } from './fake-upstream.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

function stopReason(reply: PlannedReply): string {
  if (reply.truncated) return 'max_tokens';
  return reply.toolCall ? 'tool_use' : 'end_turn';
}

function isToolResult(message: any): boolean {
  return message?.role === 'user' && Array.isArray(message.content) && message.content.some((block: any) => block?.type === 'tool_result');
}

function message(reply: PlannedReply, content: unknown[], outputTokens: number, stop: string | null) {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: reply.usage.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens },
  };
}

/** Anthropic Messages as api.anthropic.com writes it (message_start … message_stop, with ping). */
export const anthropicDialect: Dialect = {
  path: '/v1/messages',

  ask(request: RecordedRequest): StructuredAsk | undefined {
    const body = request.body ?? {};
    const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
    const choice = body.tool_choice ?? { type: 'auto' };
    const afterToolResult = Array.isArray(body.messages) && isToolResult(body.messages.at(-1));
    if (tools.length === 0 || choice.type === 'none' || (choice.type === 'auto' && afterToolResult)) return undefined;
    const tool = tools.find((t) => choice.type === 'tool' && t.name === choice.name) ?? tools[0];
    return { kind: 'tool', name: tool.name, schema: tool.input_schema };
  },

  maxTokens(request: RecordedRequest) {
    return typeof request.body?.max_tokens === 'number' ? request.body.max_tokens : undefined;
  },

  inputText(request: RecordedRequest) {
    const messages = Array.isArray(request.body?.messages) ? request.body.messages : [];
    const system = typeof request.body?.system === 'string' ? request.body.system : '';
    return [system, ...messages.map((m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : ''))].join('\n');
  },

  errorBody(status: number, message: string) {
    return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
  },

  streamEvents(_request: RecordedRequest, reply: PlannedReply) {
    const call = reply.toolCall;
    const deltas = reply.chunks.map((text) =>
      sseEvent(
        { type: 'content_block_delta', index: 0, delta: call ? { type: 'input_json_delta', partial_json: text } : { type: 'text_delta', text } },
        'content_block_delta',
      ),
    );
    if (reply.fault === 'invalid_json' && deltas.length > 0) {
      deltas[Math.floor(deltas.length / 2)] = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"oops"\n\n';
    }
    const messageDelta = { type: 'message_delta', delta: { stop_reason: stopReason(reply), stop_sequence: null } };
    return {
      before: [
        sseEvent({ type: 'message_start', message: message(reply, [], 1, null) }, 'message_start'),
        sseEvent(
          { type: 'content_block_start', index: 0, content_block: call ? { type: 'tool_use', id: call.id, name: call.name, input: {} } : { type: 'text', text: '' } },
          'content_block_start',
        ),
        sseEvent({ type: 'ping' }, 'ping'),
        // the API opens every tool input with an empty piece
        ...(call ? [sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } }, 'content_block_delta')] : []),
      ],
      deltas,
      after: [
        sseEvent({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
        sseEvent(reply.fault === 'missing_usage' ? messageDelta : { ...messageDelta, usage: { output_tokens: reply.usage.outputTokens } }, 'message_delta'),
        sseEvent({ type: 'message_stop' }, 'message_stop'),
      ],
      errorEvent: sseEvent({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
    };
  },

  json(_request: RecordedRequest, reply: PlannedReply) {
    const text = reply.chunks.join('');
    const content = reply.toolCall ? [{ type: 'tool_use', id: reply.toolCall.id, name: reply.toolCall.name, input: JSON.parse(reply.truncated ? '{}' : text) }] : [{ type: 'text', text }];
    return message(reply, content, reply.usage.outputTokens, stopReason(reply));
  },
};

/** Starts a fake Anthropic upstream. Point a provider at `fake.url` (the origin, without /v1). */
export async function startFakeAnthropic(reply: FakeReply = {}): Promise<FakeUpstream> {
  return new FakeUpstream(anthropicDialect, '').reply(reply).start();
}
