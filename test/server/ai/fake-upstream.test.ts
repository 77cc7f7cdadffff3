import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startFakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeOpenAI } from '../../support/fake-openai.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';

// The fakes are only worth something if they speak the real wire formats: the official
// OpenAI client reads the OpenAI fake, and the Anthropic fake's events are checked by name.
describe('fake OpenAI upstream, read by the official openai client', () => {
  let fake: FakeUpstream;
  let client: OpenAI;
  before(async () => {
    fake = await startFakeOpenAI({ text: 'SELECT 1;', usage: { inputTokens: 12, outputTokens: 4 } });
    client = new OpenAI({ baseURL: fake.url, apiKey: 'sk-fake', maxRetries: 0 });
  });
  after(() => fake.close());

  it('streams chunks, then a usage chunk with no choices, when usage is requested', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'one' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) {
        assert.deepEqual(chunk.choices, []);
        usage = chunk.usage;
      }
    }
    assert.equal(text, 'SELECT 1;');
    assert.equal(finish, 'stop');
    assert.equal(usage?.prompt_tokens, 12);
    assert.equal(usage?.completion_tokens, 4);
    assert.equal(usage?.total_tokens, 16);
    assert.equal(fake.lastRequest!.headers.authorization, 'Bearer sk-fake');
  });

  it('sends no usage chunk when usage was not requested, like OpenAI', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one' }], stream: true });
    for await (const chunk of stream) assert.equal(chunk.usage, undefined);
  });

  it('answers a non-streaming request with one completion and its usage', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one' }] });
    assert.equal(completion.choices[0]?.message.content, 'SELECT 1;');
    assert.equal(completion.usage?.completion_tokens, 4);
  });

  it('answers 429 with Retry-After, which the client surfaces as a RateLimitError', async () => {
    fake.replyOnce({ status: 429, retryAfter: '3', errorMessage: 'Rate limit reached' });
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one' }] }),
      (err: unknown) => err instanceof OpenAI.RateLimitError && err.headers.get('retry-after') === '3',
    );
  });

  it('truncates at max_tokens with finish_reason length, counting one token per chunk', async () => {
    fake.replyOnce({ text: 'one two three four five six seven eight' });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count' }], max_tokens: 3 });
    assert.equal(completion.choices[0]?.finish_reason, 'length');
    assert.equal(completion.usage?.completion_tokens, 3);
    assert.equal(completion.choices[0]?.message.content, 'one two three');
  });
});

describe('fake Anthropic upstream', () => {
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeAnthropic({ text: 'Hi!', usage: { inputTokens: 10, outputTokens: 2 } });
  });
  after(() => fake.close());

  it('streams the Messages event sequence with usage in message_start and message_delta', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const body = await response.text();
    const events = [...body.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => ({ event: m[1]!, data: JSON.parse(m[2]!) }));
    assert.deepEqual(
      events.map((e) => e.event),
      ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    for (const e of events) assert.equal(e.data.type, e.event, 'each data names its event type');
    assert.equal(events[0]!.data.message.usage.input_tokens, 10);
    assert.equal(events[6]!.data.usage.output_tokens, 2);
    assert.equal(events[6]!.data.delta.stop_reason, 'end_turn');
    assert.equal(events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join(''), 'Hi!');
  });

  it('answers errors in the Anthropic error shape', async () => {
    fake.replyOnce({ status: 529, errorMessage: 'Overloaded' });
    const response = await fetch(`${fake.url}/v1/messages`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 529);
    assert.deepEqual(await response.json(), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });
});
