import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import OpenAI from 'openai';
import { fromMillicredits } from '../../../src/contract/index.js';
import { millicreditsForUsage } from '../../../src/server/ai/pricing.js';
import { OPENAI_SDK_HEADERS } from '../../../src/server/http/security.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { assertBooksClean, TEST_PRICES, useGatewayServer, WIRE_FORMATS } from './support.js';

const [OPENAI, ANTHROPIC] = WIRE_FORMATS;
const HOST_PAGE = 'https://builder.example';
const LOCAL_MODEL = 'llama-3.1-8b-instruct';
const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Name a colour.' },
];
const sampling = { temperature: 0.2, top_p: 0.9, stop: ['\n\n', 'END'], seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5 };

onEachStore('the gateway over an OpenAI-compatible upstream: parameters, models, CORS', (kind) => {
  const live = useGatewayServer(kind, OPENAI, { app: { corsOrigins: [HOST_PAGE], gatewayModels: [LOCAL_MODEL] } });
  const client = (token: string) => live.client(token);
  let fake: FakeUpstream;
  let h: Harness;
  beforeEach(() => ({ fake, h } = live));

  it('passes sampling, response_format, logprobs and tool settings on as they were sent', async () => {
    const ws = await h.workspace();
    const tools = [{ type: 'function' as const, function: { name: 'pick', parameters: { type: 'object', properties: { colour: { type: 'string' } } }, strict: true } }];
    await client(ws.token).chat.completions.create({
      model: OPENAI.model,
      messages,
      ...sampling,
      response_format: { type: 'json_object' },
      tools,
      tool_choice: 'none',
      parallel_tool_calls: false,
    });
    const body = fake.lastRequest!.body;
    for (const [name, value] of Object.entries(sampling)) assert.deepEqual(body[name], value, name);
    assert.deepEqual(body.response_format, { type: 'json_object' });
    assert.deepEqual(body.tools, tools);
    assert.equal(body.tool_choice, 'none');
    assert.equal(body.parallel_tool_calls, false);
    assert.deepEqual(body.messages[0], { role: 'system', content: 'Be brief.' });

    const named = await client(ws.token).chat.completions.create({ model: OPENAI.model, messages, tools, tool_choice: { type: 'function', function: { name: 'pick' } } });
    assert.deepEqual(fake.lastRequest!.body.tool_choice, { type: 'function', function: { name: 'pick' } });
    assert.equal(named.choices[0]!.finish_reason, 'tool_calls');

    const json = await client(ws.token).chat.completions.create({ model: OPENAI.model, messages, response_format: { type: 'json_object' } });
    assert.equal(typeof JSON.parse(json.choices[0]!.message.content!), 'object');
    await assertBooksClean(h, ws.id);
  });

  it('relays the log probabilities it was asked for, streamed and not', async () => {
    const ws = await h.workspace();
    fake.reply({ text: 'Teal.' });
    const completion = await client(ws.token).chat.completions.create({ model: OPENAI.model, messages, logprobs: true, top_logprobs: 2 });
    assert.equal(fake.lastRequest!.body.logprobs, true);
    assert.equal(fake.lastRequest!.body.top_logprobs, 2);
    const tokens = completion.choices[0]!.logprobs!.content!.map((p) => p.token);
    assert.equal(tokens.join(''), 'Teal.');
    const stream = await client(ws.token).chat.completions.create({ model: OPENAI.model, messages, logprobs: true, stream: true });
    const streamed: string[] = [];
    for await (const chunk of stream) for (const p of chunk.choices[0]?.logprobs?.content ?? []) streamed.push(p.token);
    assert.equal(streamed.join(''), 'Teal.');
  });

  it('GET /v1/models lists the configured model, the priced ones of its vendor and the allow-list', async () => {
    const ws = await h.workspace();
    const ids: string[] = [];
    for await (const model of client(ws.token).models.list()) {
      assert.equal(model.object, 'model');
      assert.equal(typeof model.created, 'number');
      assert.equal(typeof model.owned_by, 'string');
      ids.push(model.id);
    }
    assert.equal(ids[0], OPENAI.model);
    for (const id of ['gpt-4o', 'gpt-4.1-mini', LOCAL_MODEL]) assert.ok(ids.includes(id), id);
    assert.ok(!ids.some((id) => id.startsWith('claude')), 'not the models another wire format answers');
    const raw = await fetch(`${live.baseURL}/models`, { headers: { authorization: `Bearer ${ws.token}` } });
    assert.equal((await raw.json()).object, 'list');
    assert.equal((await client(ws.token).models.retrieve('gpt-4o')).id, 'gpt-4o');
    await assert.rejects(client('cct_not-a-token').models.list(), OpenAI.AuthenticationError);
  });

  it('honours a model it prices or lists, at that model’s price; 404 model_not_found for others', async () => {
    const ws = await h.workspace();
    const completion = await client(ws.token).chat.completions.create({ model: 'gpt-4o', messages });
    assert.equal(fake.lastRequest!.body.model, 'gpt-4o');
    assert.equal(completion.model, 'gpt-4o');
    const price = TEST_PRICES.priceOf('gpt-4o');
    const usage = completion.usage!;
    assert.equal((completion as any).credit.charged, fromMillicredits(millicreditsForUsage(price, { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens })));
    await client(ws.token).chat.completions.create({ model: LOCAL_MODEL, messages });
    assert.equal(fake.lastRequest!.body.model, LOCAL_MODEL);
    fake.requests.length = 0;
    for (const model of ['no-such-model', 'claude-sonnet-4-20250514']) {
      await assert.rejects(client(ws.token).chat.completions.create({ model, messages }), (err: unknown) => {
        assert.ok(err instanceof OpenAI.NotFoundError, String(err));
        assert.equal(err.code, 'model_not_found');
        assert.equal(err.param, 'model');
        assert.equal(err.type, 'invalid_request_error');
        return true;
      });
    }
    await assert.rejects(client(ws.token).models.retrieve('no-such-model'), OpenAI.NotFoundError);
    assert.equal(fake.requests.length, 0);
    await assertBooksClean(h, ws.id);
  });

  it('every gateway error is in OpenAI’s shape, unknown routes too', async () => {
    const ws = await h.workspace();
    const cases: [string, RequestInit, number, string | null][] = [
      ['/models', {}, 401, null],
      ['/nope', { headers: { authorization: `Bearer ${ws.token}` } }, 404, null],
      ['/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' }, body: '{' }, 400, 'body'],
      [
        '/chat/completions',
        { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: OPENAI.model, messages, n: 3 }) },
        400,
        'n',
      ],
      [
        '/chat/completions',
        { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages, stop: ['a', 'b', 'c', 'd', 'e'] }) },
        400,
        'stop',
      ],
      [
        '/chat/completions',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [...messages, { role: 'tool', tool_call_id: 'call_x', content: '1' }] }),
        },
        400,
        'messages[2].tool_call_id',
      ],
      [
        '/chat/completions',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1024 * 1024) }] }),
        },
        413,
        'body',
      ],
    ];
    for (const [path, init, status, param] of cases) {
      // in process: a body refused before it is read would leave the client's kept-alive connection unusable
      const response = await h.fetch(`/v1${path}`, init);
      assert.equal(response.status, status, path);
      const { error } = await response.json();
      assert.deepEqual(Object.keys(error).slice(0, 4).sort(), ['code', 'message', 'param', 'type'], path);
      assert.equal(error.param, param, path);
      assert.equal(typeof error.message, 'string');
    }
  });

  it('answers the browser preflight of the openai client for an allowed origin, and exposes the credit headers', async () => {
    const ws = await h.workspace();
    // what a browser sends before the openai client's POST (the client's own header names, lower-cased and sorted)
    const requested = [
      'authorization',
      'content-type',
      'idempotency-key',
      'x-credit-operation',
      'x-stainless-arch',
      'x-stainless-lang',
      'x-stainless-os',
      'x-stainless-package-version',
      'x-stainless-retry-count',
      'x-stainless-runtime',
      'x-stainless-runtime-version',
      'x-stainless-timeout',
    ];
    const preflight = await fetch(`${live.baseURL}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: HOST_PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': requested.join(',') },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), HOST_PAGE);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    for (const name of requested) assert.ok(allowed.includes(name), name);
    for (const name of OPENAI_SDK_HEADERS) assert.ok(allowed.includes(name.toLowerCase()), name);

    const other = await fetch(`${live.baseURL}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);

    const answer = await fetch(`${live.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { origin: HOST_PAGE, authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: OPENAI.model, messages }),
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('access-control-allow-origin'), HOST_PAGE);
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const name of ['x-credit-charged', 'x-credit-receipt', 'x-credit-reserved']) assert.ok(exposed.includes(name), name);
    assert.ok(Number(answer.headers.get('x-credit-charged')) > 0);
  });
});

onEachStore('the gateway over Anthropic: parameters translated', (kind) => {
  const live = useGatewayServer(kind, ANTHROPIC);
  const client = (token: string) => live.client(token);
  let fake: FakeUpstream;
  let h: Harness;
  beforeEach(() => ({ fake, h } = live));

  it('sends temperature, top_p and stop as Messages names them, and leaves out what it has no equivalent for', async () => {
    const ws = await h.workspace();
    await client(ws.token).chat.completions.create({ model: ANTHROPIC.model, messages, ...sampling });
    const body = fake.lastRequest!.body;
    assert.equal(body.temperature, 0.2);
    assert.equal(body.top_p, 0.9);
    assert.deepEqual(body.stop_sequences, ['\n\n', 'END']);
    assert.equal(body.system, 'Be brief.');
    for (const name of ['stop', 'seed', 'presence_penalty', 'frequency_penalty']) assert.equal(body[name], undefined, name);
    await client(ws.token).chat.completions.create({ model: ANTHROPIC.model, messages, temperature: 1.6, stop: 'END' });
    assert.equal(fake.lastRequest!.body.temperature, 1);
    assert.deepEqual(fake.lastRequest!.body.stop_sequences, ['END']);
  });

  it('maps tool_choice and parallel_tool_calls; json_object is an instruction; json_schema a forced tool whose input is the answer', async () => {
    const ws = await h.workspace();
    const tools = [{ type: 'function' as const, function: { name: 'pick', parameters: { type: 'object', properties: { colour: { type: 'string' } } } } }];
    const choices = [
      ['auto', { type: 'auto' }],
      ['none', { type: 'none' }],
      ['required', { type: 'any' }],
      [{ type: 'function', function: { name: 'pick' } }, { type: 'tool', name: 'pick' }],
    ] as const;
    for (const [choice, expected] of choices) {
      await client(ws.token).chat.completions.create({ model: ANTHROPIC.model, messages, tools, tool_choice: choice as never });
      assert.deepEqual(fake.lastRequest!.body.tool_choice, expected);
    }
    await client(ws.token).chat.completions.create({ model: ANTHROPIC.model, messages, tools, parallel_tool_calls: false });
    assert.deepEqual(fake.lastRequest!.body.tool_choice, { type: 'auto', disable_parallel_tool_use: true });

    await client(ws.token).chat.completions.create({ model: ANTHROPIC.model, messages, response_format: { type: 'json_object' } });
    assert.match(fake.lastRequest!.body.system, /^Be brief\.\n\nAnswer with one JSON object/);

    const schema = { type: 'object', properties: { colour: { type: 'string' }, hex: { type: 'string' } }, required: ['colour', 'hex'], additionalProperties: false };
    const stream = await client(ws.token).chat.completions.create({
      model: ANTHROPIC.model,
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'colour', schema, strict: true } },
      // the hold would otherwise follow this workspace's history of short answers
      max_tokens: 200,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      assert.equal(chunk.choices[0]?.delta.tool_calls, undefined);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.deepEqual(JSON.parse(text), { colour: 'sample text', hex: 'sample text' });
    assert.equal(finish, 'stop');
    assert.deepEqual(fake.lastRequest!.body.tools, [{ name: 'json_answer', description: 'Give the answer as colour.', input_schema: schema }]);
    await h.ai!.idle();
    await assertBooksClean(h, ws.id);
  });

  it('refuses logprobs (400, param logprobs) and lists only the models it can answer', async () => {
    const ws = await h.workspace();
    await assert.rejects(client(ws.token).chat.completions.create({ model: ANTHROPIC.model, messages, logprobs: true }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.equal(err.param, 'logprobs');
      return true;
    });
    const ids: string[] = [];
    for await (const model of client(ws.token).models.list()) ids.push(model.id);
    assert.equal(ids[0], ANTHROPIC.model);
    assert.ok(ids.every((id) => id.startsWith('claude')), ids.join());
    assert.equal(fake.requests.length, 0);
    await assertBooksClean(h, ws.id);
  });
});
