import assert from 'node:assert/strict';
import { after, before, beforeEach, it } from 'node:test';
import OpenAI from 'openai';
import { toMillicredits } from '../../../src/contract/index.js';
import { millicreditsForUsage } from '../../../src/server/ai/pricing.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { aiOptionsFor, assertBooksClean, balanceOf, holdStatuses, openChatHarness, TEST_PRICES, WIRE_FORMATS } from './support.js';
import { listen } from '../support/listen.js';

const MODEL = 'claude-sonnet-4-20250514';
const ANSWER = 'const total = rows.reduce((sum, r) => sum + r.amount, 0);';

onEachStore('POST /v1/chat/completions with the official openai client', (kind) => {
  let fake: FakeUpstream;
  let h: Harness;
  let server: Awaited<ReturnType<typeof listen>>;
  let baseURL: string;
  before(async () => {
    fake = await WIRE_FORMATS[1].start(); // the gateway speaks OpenAI whatever the upstream is: here Anthropic
    h = await openChatHarness(kind, aiOptionsFor(WIRE_FORMATS[1], fake));
    server = await listen(h.app);
    baseURL = `${server.origin}/v1`;
  });
  after(async () => {
    await server.close();
    await h.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.reply({ text: ANSWER });
    fake.requests.length = 0;
  });
  const client = (token: string) => new OpenAI({ apiKey: token, baseURL, maxRetries: 0 });
  const messages = [
    { role: 'system' as const, content: 'You write JavaScript.' },
    { role: 'user' as const, content: 'sum the amounts' },
  ];

  it('answers a chat.completion with usage and charges it through a hold', async () => {
    const ws = await h.workspace();
    const before = await balanceOf(h, ws.token);
    const { data: completion, response } = await client(ws.token).chat.completions.create({ model: MODEL, messages }).withResponse();
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, 'claude-sonnet-4-20250514');
    assert.equal(completion.choices[0]!.message.content, ANSWER);
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    const usage = completion.usage!;
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    const charge = millicreditsForUsage(TEST_PRICES.priceOf('claude-sonnet-4-20250514'), { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens });
    assert.equal(toMillicredits(Number(response.headers.get('x-credit-charged'))), charge);
    assert.equal(toMillicredits(before.total) - toMillicredits((await balanceOf(h, ws.token)).total), charge);
    // the client's system message is the system prompt; the operation defaults to custom_code
    assert.equal(fake.lastRequest!.body.system, 'You write JavaScript.');
    const [entry] = (await h.request('GET', '/usage', ws.token)).body.entries;
    assert.equal(entry.operation, 'custom_code');
    assert.deepEqual(await holdStatuses(h, ws.id), { captured: 1 });
    await assertBooksClean(h, ws.id);
  });

  it('streams chat.completion.chunks, the usage chunk when asked, and [DONE]', async () => {
    const ws = await h.workspace();
    const stream = await client(ws.token).chat.completions.create(
      { model: MODEL, messages, stream: true, stream_options: { include_usage: true } },
      { headers: { 'X-Credit-Operation': 'sql_generation' } },
    );
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      assert.equal(chunk.object, 'chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, ANSWER);
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage!.completion_tokens > 0);
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    await h.ai!.idle();
    const [entry] = (await h.request('GET', '/usage', ws.token)).body.entries;
    assert.equal(entry.operation, 'sql_generation');
    assert.equal(entry.outputTokens, last.usage!.completion_tokens);
    await assertBooksClean(h, ws.id);

    const raw = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages, stream: true }),
    });
    const body = await raw.text();
    assert.match(body, /data: \[DONE\]\n\n$/);
    assert.doesNotMatch(body, /"usage"/, 'no usage field without stream_options.include_usage');
  });

  it('sizes the hold from the client’s max_tokens and passes that limit on', async () => {
    const ws = await h.workspace();
    await client(ws.token).chat.completions.create({ model: MODEL, messages, max_tokens: 5 });
    assert.equal(fake.lastRequest!.body.max_tokens, 5);
    const completion = await client(ws.token).chat.completions.create({ model: MODEL, messages, max_completion_tokens: 3 });
    assert.equal(completion.choices[0]!.finish_reason, 'length');
    assert.equal(completion.usage!.completion_tokens, 3);
    await assertBooksClean(h, ws.id);
  });

  it('402 in OpenAI’s error shape when the credits are short', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 1 });
    await assert.rejects(
      client(ws.token).chat.completions.create({ model: MODEL, messages }, { headers: { 'X-Credit-Operation': 'app_generation' } }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.equal(err.status, 402);
        const error = err.error as Record<string, unknown>;
        assert.equal(error.code, 'insufficient_credits');
        assert.equal(error.type, 'insufficient_credits');
        assert.equal(error.available, 1);
        assert.ok((error.needed as number) > 1);
        return true;
      },
    );
    assert.equal(fake.requests.length, 0);
  });

  it('429 with Retry-After when the upstream rate-limits; 502 when it fails; the holds voided', async () => {
    const ws = await h.workspace();
    fake.replyOnce({ status: 429, retryAfter: '9' }, { status: 500 });
    await assert.rejects(client(ws.token).chat.completions.create({ model: MODEL, messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.headers?.get('retry-after'), '9');
      assert.equal(err.code, 'rate_limit_exceeded');
      return true;
    });
    await assert.rejects(client(ws.token).chat.completions.create({ model: MODEL, messages, stream: true }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 502);
      assert.equal(err.code, 'provider_error');
      return true;
    });
    assert.deepEqual(await holdStatuses(h, ws.id), { voided: 2 });
    await assertBooksClean(h, ws.id);
  });

  it('a failure mid-stream ends the stream with an error the client throws', async () => {
    const ws = await h.workspace();
    fake.replyOnce({ text: ANSWER, fault: 'cut_mid_chunk', cutAfterChunks: 3 });
    const stream = await client(ws.token).chat.completions.create({ model: MODEL, messages, stream: true });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // read until it fails
      }
    }, /cut/);
    await h.ai!.idle();
    assert.deepEqual(await holdStatuses(h, ws.id), { voided: 1 });
    await assertBooksClean(h, ws.id);
  });

  it('an Idempotency-Key replay answers the first completion without calling the upstream again', async () => {
    const ws = await h.workspace();
    const options = { headers: { 'Idempotency-Key': 'gw-key-0123456789' } };
    const first = await client(ws.token).chat.completions.create({ model: MODEL, messages }, options);
    const balance = await balanceOf(h, ws.token);
    const again = await client(ws.token).chat.completions.create({ model: MODEL, messages }, options);
    assert.deepEqual(again, first);
    assert.equal(fake.requests.length, 1);
    assert.equal((await balanceOf(h, ws.token)).total, balance.total);
    await assert.rejects(client(ws.token).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'other' }] }, options), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 422);
      return true;
    });
  });

  it('refuses bad tokens, bad operations and what it cannot forward, in OpenAI’s shape', async () => {
    const ws = await h.workspace();
    await assert.rejects(client('cct_not-a-token').chat.completions.create({ model: MODEL, messages }), OpenAI.AuthenticationError);
    const bad = [
      [{ model: MODEL, messages }, { headers: { 'X-Credit-Operation': 'mining' } }, 'x-credit-operation'],
      [{ model: MODEL, messages, n: 2 }, {}, 'n'],
      [{ model: MODEL, messages, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'g' } } }, {}, 'tool_choice'],
      [{ model: MODEL, messages, temperature: 3 }, {}, 'temperature'],
      [{ model: MODEL, messages: [{ role: 'assistant', content: 'hi' }] }, {}, 'messages'],
      [{ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }, {}, 'messages[0].content[0]'],
    ] as const;
    for (const [body, options, param] of bad) {
      await assert.rejects(client(ws.token).chat.completions.create(body as never, options), (err: unknown) => {
        assert.ok(err instanceof OpenAI.BadRequestError, String(err));
        assert.equal(err.param, param);
        assert.equal(err.type, 'invalid_request_error');
        return true;
      });
    }
    assert.equal(fake.requests.length, 0);
  });
});
