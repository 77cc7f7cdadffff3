import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { fromMillicredits } from '../../../src/contract/index.js';
import { millicreditsForUsage } from '../../../src/server/ai/pricing.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { assertBooksClean, balanceOf, holdStatuses, TEST_PRICES, until, useGatewayServer, WIRE_FORMATS } from './support.js';

// The gateway with the clients people use, against fakes of both wire formats: tools and
// their streamed calls, response_format and the structured output of the AI SDK and of
// LangChain, each metered by the usage the upstream reports.

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city', 'days'], additionalProperties: false },
  },
};
const Recipe = z.object({
  name: z.string(),
  servings: z.number().int().min(2),
  steps: z.array(z.object({ text: z.string(), minutes: z.number() })),
  vegan: z.boolean(),
});

function chargeOf(model: string, usage: { prompt_tokens: number; completion_tokens: number }): number {
  return fromMillicredits(millicreditsForUsage(TEST_PRICES.priceOf(model), { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }));
}

for (const format of WIRE_FORMATS) {
  onEachStore(`the gateway's tools and structured output over ${format.name}`, (kind) => {
    const live = useGatewayServer(kind, format);
    const client = (token: string) => live.client(token);
    let fake: FakeUpstream;
    let h: Harness;
    let baseURL: string;
    beforeEach(() => ({ fake, h, baseURL } = live));
    const ask = [{ role: 'user' as const, content: 'What is the weather in Oslo?' }];

    it('streams a tool call as tool_calls deltas, finishes with tool_calls and charges the upstream’s usage', async () => {
      const ws = await h.workspace();
      const before = await balanceOf(h, ws.token);
      const stream = await client(ws.token).chat.completions.create({
        model: format.model,
        messages: ask,
        tools: [weatherTool],
        stream: true,
        stream_options: { include_usage: true },
      });
      const calls: { id?: string; name: string; arguments: string }[] = [];
      let finish: string | null = null;
      let last: any;
      for await (const chunk of stream) {
        last = chunk;
        for (const piece of chunk.choices[0]?.delta.tool_calls ?? []) {
          const call = (calls[piece.index] ??= { name: '', arguments: '' });
          if (piece.id) call.id = piece.id;
          call.name += piece.function?.name ?? '';
          call.arguments += piece.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(finish, 'tool_calls');
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.name, 'get_weather');
      assert.ok(calls[0]!.id);
      assert.deepEqual(JSON.parse(calls[0]!.arguments), { city: 'sample text', days: 1 });
      // the arguments are output tokens; the last chunk carries the charge
      assert.ok(last.usage.completion_tokens > 0);
      const charged = chargeOf(format.model, last.usage);
      assert.deepEqual(last.credit.charged, charged);
      await h.ai!.idle();
      assert.equal(Math.round((before.total - (await balanceOf(h, ws.token)).total) * 1000), Math.round(charged * 1000));
      // the tools reached the upstream in its own terms
      const body = fake.lastRequest!.body;
      if (format.provider === 'anthropic') {
        assert.deepEqual(body.tools, [{ name: 'get_weather', description: 'The weather in a city', input_schema: weatherTool.function.parameters }]);
      } else {
        assert.deepEqual(body.tools, [weatherTool]);
      }
      assert.deepEqual(await holdStatuses(h, ws.id), { captured: 1 });
      await assertBooksClean(h, ws.id);
    });

    it('answers a tool call unstreamed, then the tool’s result, with the calls and results sent upstream', async () => {
      const ws = await h.workspace();
      const openai = client(ws.token);
      const first = await openai.chat.completions.create({ model: format.model, messages: ask, tools: [weatherTool], tool_choice: 'required' });
      const message = first.choices[0]!.message;
      assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
      assert.equal(message.content, null);
      const call = message.tool_calls![0]!;
      assert.equal(call.type, 'function');
      assert.ok(call.type === 'function' && call.function.name === 'get_weather');
      assert.equal((first as any).credit.charged, chargeOf(format.model, first.usage!));
      if (format.provider === 'anthropic') assert.deepEqual(fake.lastRequest!.body.tool_choice, { type: 'any' });
      else assert.equal(fake.lastRequest!.body.tool_choice, 'required');

      fake.reply({ text: 'Sunny, 21 °C.' });
      const second = await openai.chat.completions.create({
        model: format.model,
        messages: [...ask, message, { role: 'tool', tool_call_id: call.id, content: '{"sky":"sunny","celsius":21}' }],
        tools: [weatherTool],
      });
      assert.equal(second.choices[0]!.message.content, 'Sunny, 21 °C.');
      assert.equal(second.choices[0]!.finish_reason, 'stop');
      const sent = fake.lastRequest!.body.messages;
      if (format.provider === 'anthropic') {
        assert.deepEqual(sent[1], { role: 'assistant', content: [{ type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'sample text', days: 1 } }] });
        assert.deepEqual(sent[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"sky":"sunny","celsius":21}' }] });
      } else {
        assert.equal(sent[1].role, 'assistant');
        assert.deepEqual(sent[1].tool_calls, [{ id: call.id, type: 'function', function: { name: 'get_weather', arguments: (call as any).function.arguments } }]);
        assert.deepEqual(sent[2], { role: 'tool', tool_call_id: call.id, content: '{"sky":"sunny","celsius":21}' });
      }
      await assertBooksClean(h, ws.id);
    });

    it('a replay answers the same tool calls; a call stopped mid-way is charged for what was produced', async () => {
      const ws = await h.workspace();
      const openai = client(ws.token);
      const options = { headers: { 'Idempotency-Key': `gw-tools-${format.provider}-0123456789` } };
      const request = { model: format.model, messages: ask, tools: [weatherTool], stream: true as const };
      const read = async (stream: AsyncIterable<OpenAI.ChatCompletionChunk>) => {
        let args = '';
        const ids = new Set<string>();
        for await (const chunk of stream) {
          for (const piece of chunk.choices[0]?.delta.tool_calls ?? []) {
            if (piece.id) ids.add(piece.id);
            args += piece.function?.arguments ?? '';
          }
        }
        return { args, ids: [...ids] };
      };
      const first = await read(await openai.chat.completions.create(request, options));
      await h.ai!.idle();
      const again = await read(await openai.chat.completions.create(request, options));
      assert.deepEqual(again, first);
      assert.equal(fake.requests.length, 1);

      // the client leaves after the first piece of the arguments: the upstream is cut off, the pieces sent are charged
      fake.reply({ toolCall: { name: 'get_weather', arguments: { city: 'Oslo, the capital of Norway', days: 3 } }, chunkDelayMs: 300 });
      const stream = await openai.chat.completions.create(request);
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.tool_calls?.some((piece) => piece.function?.arguments)) break;
      }
      await until(() => fake.lastRequest!.disconnected);
      await h.ai!.idle();
      assert.deepEqual(await holdStatuses(h, ws.id), { captured: 2 });
      const [stopped] = (await h.request('GET', '/usage', ws.token)).body.entries;
      assert.ok(stopped.outputTokens > 0 && stopped.credits > 0, JSON.stringify(stopped));
      await assertBooksClean(h, ws.id);
    });

    it('the AI SDK’s generateObject gets an object of its zod schema (response_format json_schema)', async () => {
      const ws = await h.workspace();
      const provider = createOpenAICompatible({ name: 'credit-chat', baseURL, apiKey: ws.token, supportsStructuredOutputs: true, includeUsage: true });
      const { object, usage } = await generateObject({ model: provider(format.model), schema: Recipe, prompt: 'A recipe for pancakes', maxRetries: 0 });
      assert.deepEqual(Recipe.parse(object), object);
      assert.ok((usage.outputTokens ?? 0) > 0);
      if (format.provider === 'anthropic') {
        // a JSON schema is a forced tool whose input is the answer
        assert.deepEqual(fake.lastRequest!.body.tool_choice, { type: 'tool', name: 'json_answer' });
        assert.equal(fake.lastRequest!.body.tools[0].input_schema.properties.servings.minimum, 2);
      } else {
        assert.equal(fake.lastRequest!.body.response_format.type, 'json_schema');
      }
      await assertBooksClean(h, ws.id);
    });

    it('LangChain’s withStructuredOutput gets an object of its zod schema, by JSON schema and by tool calling', async () => {
      const ws = await h.workspace();
      const model = new ChatOpenAI({ model: format.model, apiKey: ws.token, configuration: { baseURL }, maxRetries: 0 });
      for (const method of ['jsonSchema', 'functionCalling'] as const) {
        const recipe = await model.withStructuredOutput(Recipe, { name: 'recipe', method }).invoke('A recipe for pancakes');
        assert.deepEqual(Recipe.parse(recipe), recipe, method);
      }
      const streamed = await model.bindTools([weatherTool]).invoke('What is the weather in Oslo?');
      assert.equal(streamed.tool_calls?.[0]?.name, 'get_weather');
      assert.deepEqual(streamed.tool_calls?.[0]?.args, { city: 'sample text', days: 1 });
      await assertBooksClean(h, ws.id);
    });
  });
}

