import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AnthropicProvider } from '../../../src/server/ai/providers/anthropic.js';
import { OpenAiProvider } from '../../../src/server/ai/providers/openai.js';
import { ProviderError, type ChatProvider, type ProviderErrorKind, type ProviderEvent, type ProviderRequest } from '../../../src/server/ai/providers/types.js';
import type { UpstreamTimeouts } from '../../../src/server/ai/providers/upstream-call.js';
import { startFakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeOpenAI } from '../../support/fake-openai.js';
import type { FakeReply, FakeUpstream } from '../../support/fake-upstream.js';

const API_KEY = 'sk-test-secret-key-1234567890';
const ANSWER = 'Here is your query: SELECT * FROM orders; it returns every order.';

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    system: 'You write SQL.',
    messages: [
      { role: 'user', content: 'list orders' },
      { role: 'assistant', content: 'Which columns?' },
      { role: 'user', content: 'all of them' },
    ],
    maxTokens: 500,
    ...overrides,
  };
}

async function collect(provider: ChatProvider, req: ProviderRequest = request()): Promise<{ text: string; events: ProviderEvent[] }> {
  const events: ProviderEvent[] = [];
  for await (const event of provider.stream(req)) events.push(event);
  return { text: events.map((e) => (e.type === 'delta' ? e.text : '')).join(''), events };
}

async function failure(provider: ChatProvider, req: ProviderRequest = request()): Promise<ProviderError> {
  try {
    await collect(provider, req);
  } catch (err) {
    assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${String(err)}`);
    return err;
  }
  assert.fail('the stream did not fail');
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Upstream {
  name: string;
  start: () => Promise<FakeUpstream>;
  provider: (url: string, timeouts?: UpstreamTimeouts) => ChatProvider;
}

const UPSTREAMS: Upstream[] = [
  {
    name: 'OpenAI-compatible',
    start: () => startFakeOpenAI(),
    provider: (baseUrl, timeouts) => new OpenAiProvider({ model: 'gpt-4o-mini', baseUrl, apiKey: API_KEY, timeouts }),
  },
  {
    name: 'Anthropic',
    start: () => startFakeAnthropic(),
    provider: (baseUrl, timeouts) => new AnthropicProvider({ model: 'claude-sonnet-4-20250514', baseUrl, apiKey: API_KEY, timeouts }),
  },
];

for (const upstream of UPSTREAMS) {
  describe(`${upstream.name} provider against a fake upstream`, () => {
    let fake: FakeUpstream;
    before(async () => {
      fake = await upstream.start();
    });
    after(() => fake.close());
    beforeEach(() => {
      fake.reply({ text: ANSWER });
      fake.requests.length = 0;
    });

    it('streams the answer in order and ends with the usage the upstream reports', async () => {
      fake.reply({ text: ANSWER, usage: { inputTokens: 42, outputTokens: 17 } });
      const { text, events } = await collect(upstream.provider(fake.url));
      assert.equal(text, ANSWER);
      assert.ok(events.filter((e) => e.type === 'delta').length > 5, 'streamed in several deltas');
      const last = events[events.length - 1]!;
      assert.deepEqual(last, { type: 'usage', inputTokens: 42, outputTokens: 17, finishReason: 'stop', model: fake.lastRequest!.body.model });
      assert.equal(events.filter((e) => e.type === 'usage').length, 1);
    });

    it('sends only role and content of each message upstream', async () => {
      const stored = { role: 'user' as const, content: 'hi', id: 'msg_1', receipt: { credits: 5 } };
      await collect(upstream.provider(fake.url), request({ messages: [stored] }));
      const sent = fake.lastRequest!.body.messages as { role: string }[];
      assert.deepEqual(sent.at(-1), { role: 'user', content: 'hi' });
    });

    it('reports finish reason length when the answer hits max tokens', async () => {
      const { events } = await collect(upstream.provider(fake.url), request({ maxTokens: 3 }));
      const usage = events.at(-1);
      assert.equal(usage?.type, 'usage');
      assert.equal(usage.type === 'usage' && usage.finishReason, 'length');
      assert.equal(events.filter((e) => e.type === 'delta').length, 3);
    });

    const faults: [string, FakeReply, ProviderErrorKind, RegExp][] = [
      ['a stream cut in the middle of a chunk', { fault: 'cut_mid_chunk' }, 'protocol', /middle of an event/],
      ['a connection reset mid-stream', { fault: 'reset' }, 'protocol', /cut the stream short/],
      ['invalid JSON in the stream', { fault: 'invalid_json' }, 'protocol', /invalid JSON/],
      ['a stream without usage', { fault: 'missing_usage' }, 'protocol', /without reporting token usage/],
      ['a mid-stream error event', { fault: 'error_event' }, 'upstream', /failed mid-stream/],
      ['HTTP 500', { status: 500, errorMessage: 'boom' }, 'upstream', /HTTP 500: boom/],
      ['HTTP 401', { status: 401, errorMessage: `Incorrect API key provided: ${API_KEY}` }, 'auth', /refused the API key/],
    ];
    for (const [what, reply, kind, message] of faults) {
      it(`fails with kind ${kind} on ${what}`, async () => {
        fake.reply({ text: ANSWER, ...reply });
        const error = await failure(upstream.provider(fake.url));
        assert.equal(error.kind, kind, error.message);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(API_KEY), 'the key never appears in the message');
        if (reply.status) assert.equal(error.status, reply.status);
      });
    }

    it('passes a 429 on as rate_limited with the Retry-After seconds', async () => {
      fake.reply({ status: 429, retryAfter: '7' });
      const error = await failure(upstream.provider(fake.url));
      assert.equal(error.kind, 'rate_limited');
      assert.equal(error.status, 429);
      assert.equal(error.retryAfterSeconds, 7);
    });

    it('times out when the first byte is slow', async () => {
      fake.reply({ text: ANSWER, firstByteDelayMs: 1000 });
      const started = Date.now();
      const error = await failure(upstream.provider(fake.url, { firstByteMs: 60 }));
      assert.equal(error.kind, 'timeout');
      assert.ok(Date.now() - started < 800, 'gave up at the first-byte limit, not when the upstream answered');
    });

    it('times out when the stream goes quiet between chunks', async () => {
      fake.reply({ text: ANSWER, chunkDelayMs: 300 });
      const error = await failure(upstream.provider(fake.url, { idleMs: 60 }));
      assert.equal(error.kind, 'timeout');
    });

    it('stops with kind aborted when the signal aborts mid-stream, and the upstream sees the hang-up', async () => {
      fake.reply({ text: ANSWER, chunkDelayMs: 20 });
      const controller = new AbortController();
      const deltas: string[] = [];
      const error = await (async () => {
        try {
          for await (const event of upstream.provider(fake.url).stream(request({ signal: controller.signal }))) {
            if (event.type === 'delta') deltas.push(event.text);
            if (deltas.length === 2) controller.abort();
          }
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      assert.ok(error instanceof ProviderError);
      assert.equal(error.kind, 'aborted');
      assert.equal(deltas.length, 2);
      await until(() => fake.lastRequest!.disconnected);
    });

    it('does not call the upstream when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await failure(upstream.provider(fake.url), request({ signal: controller.signal }));
      assert.equal(error.kind, 'aborted');
    });

    it('cancels the upstream request when the consumer stops reading', async () => {
      fake.reply({ text: ANSWER, chunkDelayMs: 20 });
      for await (const event of upstream.provider(fake.url).stream(request())) {
        if (event.type === 'delta') break;
      }
      await until(() => fake.lastRequest!.disconnected);
    });

    it('answers kind upstream without a status when nothing listens', async () => {
      const dead = await upstream.start();
      const url = dead.url;
      await dead.close();
      const error = await failure(upstream.provider(url));
      assert.equal(error.kind, 'upstream');
      assert.equal(error.status, undefined);
    });
  });
}

describe('OpenAI-compatible request', () => {
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeOpenAI({ text: ANSWER });
  });
  after(() => fake.close());

  it('posts to /chat/completions with the key, the system prompt first, stream, usage requested and max_tokens', async () => {
    await collect(new OpenAiProvider({ model: 'gpt-4o-mini', baseUrl: fake.url, apiKey: API_KEY }), request({ maxTokens: 321 }));
    const sent = fake.lastRequest!;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(sent.body.model, 'gpt-4o-mini');
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.stream_options, { include_usage: true });
    assert.equal(sent.body.max_tokens, 321);
    assert.equal(sent.body.max_completion_tokens, undefined);
    assert.deepEqual(sent.body.messages, [{ role: 'system', content: 'You write SQL.' }, ...request().messages]);
  });

  it('sends max_completion_tokens to OpenAI reasoning models, which refuse max_tokens', async () => {
    await collect(new OpenAiProvider({ model: 'o4-mini', baseUrl: fake.url, apiKey: API_KEY }), request({ maxTokens: 99 }));
    assert.equal(fake.lastRequest!.body.max_completion_tokens, 99);
    assert.equal(fake.lastRequest!.body.max_tokens, undefined);
  });

  it('sends no Authorization header without a key (a local Ollama)', async () => {
    await collect(new OpenAiProvider({ model: 'llama3.1', baseUrl: fake.url }));
    assert.equal(fake.lastRequest!.headers.authorization, undefined);
  });

  it('accepts a server that ignores stream: true and answers one JSON completion', async () => {
    const jsonOnly: typeof fetch = (input, init) => {
      const body = JSON.parse(String(init?.body));
      return fetch(input, { ...init, body: JSON.stringify({ ...body, stream: false }) });
    };
    fake.reply({ text: ANSWER, usage: { inputTokens: 9, outputTokens: 4 } });
    const { text, events } = await collect(new OpenAiProvider({ model: 'gpt-4o-mini', baseUrl: fake.url, fetch: jsonOnly }));
    assert.equal(text, ANSWER);
    assert.deepEqual(events.at(-1), { type: 'usage', inputTokens: 9, outputTokens: 4, finishReason: 'stop', model: 'gpt-4o-mini' });
  });

  it('reads Retry-After as an HTTP date too', async () => {
    fake.reply({ status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() });
    const error = await failure(new OpenAiProvider({ model: 'gpt-4o-mini', baseUrl: fake.url }));
    assert.ok(error.retryAfterSeconds! >= 28 && error.retryAfterSeconds! <= 31, String(error.retryAfterSeconds));
  });
});

describe('Anthropic request', () => {
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeAnthropic({ text: ANSWER });
  });
  after(() => fake.close());

  it('posts to /v1/messages with x-api-key, anthropic-version, the system prompt apart and max_tokens', async () => {
    await collect(new AnthropicProvider({ model: 'claude-sonnet-4-20250514', baseUrl: fake.url, apiKey: API_KEY }), request({ maxTokens: 222 }));
    const sent = fake.lastRequest!;
    assert.equal(sent.path, '/v1/messages');
    assert.equal(sent.headers['x-api-key'], API_KEY);
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.headers.authorization, undefined);
    assert.equal(sent.body.system, 'You write SQL.');
    assert.equal(sent.body.max_tokens, 222);
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.messages, request().messages);
  });

  it('accepts a base URL that already ends in /v1', async () => {
    const { text } = await collect(new AnthropicProvider({ model: 'claude-sonnet-4-20250514', baseUrl: `${fake.url}/v1/`, apiKey: API_KEY }));
    assert.equal(text, ANSWER);
    assert.equal(fake.lastRequest!.path, '/v1/messages');
  });

  it('keeps the input tokens of message_start on an error after it, for settling a partial answer', async () => {
    fake.reply({ text: ANSWER, usage: { inputTokens: 55, outputTokens: 20 }, fault: 'error_event' });
    const error = await failure(new AnthropicProvider({ model: 'claude-sonnet-4-20250514', baseUrl: fake.url, apiKey: API_KEY }));
    assert.equal(error.inputTokens, 55);
  });
});
