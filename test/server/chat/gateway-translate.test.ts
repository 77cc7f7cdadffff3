import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anthropicMessages, anthropicParams } from '../../../src/server/ai/providers/anthropic.js';
import { ChunkWriter, chatOf, CompletionRequest } from '../../../src/server/gateway/openai-wire.js';
import { ApiError } from '../../../src/server/errors.js';
import * as z from 'zod/mini';

// The pure parts of the gateway: OpenAI's request read into turns and parameters, and those
// written in Anthropic's terms. The wire tests against the fakes are in gateway-*.test.ts.

const weather = { type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

function request(body: unknown) {
  return z.parse(CompletionRequest, body);
}

describe('the gateway’s request, read and translated', () => {
  it('reads parallel tool calls and their results into turns, and Anthropic gets them merged into alternating turns', () => {
    const chat = chatOf(
      request({
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: 'Oslo and Bergen?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
              { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Bergen"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
          { role: 'tool', tool_call_id: 'call_b', content: 'rain' },
          { role: 'user', content: 'And tomorrow?' },
        ],
        tools: [weather],
      }),
    );
    assert.equal(chat.call.system, 'Be brief.');
    // the plan counts the tools' JSON as input, besides the system text
    assert.match(chat.system, /^Be brief\.\n\n\[\{"name":"weather"/);
    assert.deepEqual(
      chat.messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'user', 'user'],
    );
    assert.deepEqual(anthropicMessages(chat.call.params.turns!), [
      { role: 'user', content: 'Oslo and Bergen?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_a', name: 'weather', input: { city: 'Oslo' } },
          { type: 'tool_use', id: 'call_b', name: 'weather', input: { city: 'Bergen' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_b', content: 'rain' },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
  });

  it('refuses what no upstream could take, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n'],
      [{ messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' }, 'tool_choice'],
      [{ messages: [{ role: 'user', content: 'x' }], top_logprobs: 3 }, 'top_logprobs'],
      [{ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: '1' }] }, 'messages[1].tool_call_id'],
      [
        {
          messages: [
            { role: 'user', content: 'x' },
            { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: 'not json' } }] },
            { role: 'tool', tool_call_id: 'c', content: '1' },
          ],
        },
        'messages[1].tool_calls[0].function.arguments',
      ],
      [{ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }] }, 'messages'],
    ];
    for (const [body, field] of cases) {
      assert.throws(
        () => chatOf(request(body)),
        (err: unknown) => err instanceof ApiError && err.status === 400 && err.details.field === field,
        field,
      );
    }
  });

  it('drops tool settings that come without tools, as upstreams refuse them', () => {
    const chat = chatOf(request({ messages: [{ role: 'user', content: 'x' }], tools: [], tool_choice: 'none', parallel_tool_calls: false, seed: 3 }));
    assert.deepEqual(Object.keys(chat.call.params).sort(), ['seed', 'turns']);
  });

  it('writes tool choices, a JSON schema and sampling in Messages’ terms', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const both = anthropicParams({
      tools: [{ name: 'weather', parameters: weather.function.parameters }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
      temperature: 1.5,
      stop: 'END',
      seed: 1,
    });
    assert.equal(both.schemaTool, true);
    assert.deepEqual(both.body, {
      temperature: 1,
      stop_sequences: ['END'],
      tools: [
        { name: 'weather', input_schema: weather.function.parameters },
        { name: 'json_answer', description: 'Give the answer as answer.', input_schema: schema },
      ],
      tool_choice: { type: 'tool', name: 'json_answer' },
    });
    assert.deepEqual(anthropicParams({ tools: [{ name: 'w' }], tool_choice: 'none', parallel_tool_calls: false }).body, {
      tools: [{ name: 'w', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'none' },
    });
    assert.deepEqual(anthropicParams({ response_format: { type: 'json_object' } }).body, {});
    assert.match(anthropicParams({ response_format: { type: 'json_object' } }).system!, /JSON object/);
  });

  it('streams tool call pieces as OpenAI does: the first with id, type and name, the rest with arguments', () => {
    const writer = new ChunkWriter({ id: 'chatcmpl-1', created: 1, model: 'm' }, false);
    const first = writer.delta({ text: '{"ci', toolCalls: [{ index: 0, id: 'call_a', name: 'weather', arguments: '{"ci' }] });
    const next = writer.delta({ text: 'ty":"Oslo"}', toolCalls: [{ index: 0, arguments: 'ty":"Oslo"}' }] });
    assert.deepEqual(first.choices, [
      { index: 0, delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"ci' } }] }, logprobs: null, finish_reason: null },
    ]);
    assert.deepEqual(next.choices, [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }, logprobs: null, finish_reason: null }]);
  });
});
