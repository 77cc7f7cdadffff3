import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import { ChatReserved, ChatSettled, Conversation, Estimate, fromMillicredits, toMillicredits } from '../../../src/contract/index.js';
import { millicreditsForUsage, DEFAULT_CREDIT_RATES, PriceTable } from '../../../src/server/ai/pricing.js';
import { onEachStore } from '../support/stores.js';
import {
  assertBooksClean,
  balanceOf,
  chat,
  chatKey,
  demoAiOptions,
  openChatHarness,
  TEST_PRICES,
  textOf,
  useFakeUpstream,
  WIRE_FORMATS,
} from './support.js';

const ANSWER = 'SELECT id, total FROM orders WHERE status = {{ status.value }};';

onEachStore('POST /chat against fake upstreams', (kind) => {
  for (const format of WIRE_FORMATS) {
    describe(`${format.name} wire format`, () => {
      const live = useFakeUpstream(kind, format, { reply: { text: ANSWER } });

      it('reserves the max, streams deltas, settles the actual usage and releases the rest', async () => {
        const { h } = live;
        const ws = await h.workspace({ creditsPerBuilder: 50 });
        const before = await balanceOf(h, ws.token);
        const result = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: chatKey() });
        assert.equal(result.status, 200);
        assert.match(result.headers.get('content-type')!, /^text\/event-stream/);
        assert.deepEqual([result.events[0]!.event, result.last!.event], ['reserved', 'settled']);
        assert.ok(result.events.slice(1, -1).every((e) => e.event === 'delta'));
        assert.equal(textOf(result.events), ANSWER);

        const reserved = z.parse(ChatReserved, result.events[0]!.data);
        const { receipt } = z.parse(ChatSettled, result.last!.data);
        assert.ok(reserved.holdId);
        assert.equal(reserved.credits, reserved.estimate.max);
        assert.deepEqual(receipt.estimate, { expected: reserved.estimate.expected, max: reserved.estimate.max });
        // the charge is the upstream's usage priced exactly, and below the hold
        const usage = receipt.usage!;
        assert.equal(usage.provider, format.provider);
        const expected = millicreditsForUsage(TEST_PRICES.priceOf(format.model), usage, DEFAULT_CREDIT_RATES);
        assert.equal(toMillicredits(receipt.credits), expected);
        assert.ok(receipt.credits <= reserved.credits);
        const afterBalance = await balanceOf(h, ws.token);
        assert.equal(toMillicredits(before.total) - toMillicredits(afterBalance.total), expected);
        assert.equal(afterBalance.held, 0);
        await assertBooksClean(h, ws.id);
        assert.equal(getEventListeners(h.ai!.shutdownSignal, 'abort').length, 0, 'a finished run leaves no listener on the server');
      });

      it('passes the provider a max_tokens whose cost stays inside the hold', async () => {
        const { h, fake } = live;
        const ws = await h.workspace();
        const result = await chat(h, ws.token, { operation: 'custom_code', prompt: 'debounce the search input', idempotencyKey: chatKey() });
        const reserved = z.parse(ChatReserved, result.events[0]!.data);
        const sent = fake.lastRequest!.body;
        const maxTokens = sent.max_tokens as number;
        assert.ok(maxTokens > 0);
        const price = TEST_PRICES.priceOf(format.model);
        const atMax = millicreditsForUsage(price, { inputTokens: reserved.estimate.inputTokens, outputTokens: maxTokens });
        const oneMore = millicreditsForUsage(price, { inputTokens: reserved.estimate.inputTokens, outputTokens: maxTokens + 1 });
        assert.ok(atMax <= toMillicredits(reserved.credits), `${atMax} within ${reserved.credits}`);
        assert.ok(oneMore > toMillicredits(reserved.credits), 'the limit is the largest that fits');
        assert.match(JSON.stringify(sent), /Task: write a short JavaScript snippet/, 'the operation’s system prompt is sent');
      });

      it('stores the conversation and sends its earlier messages as context', async () => {
        const { h, fake } = live;
        const ws = await h.workspace();
        const first = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: chatKey() });
        const { conversationId } = first.events[0]!.data;
        const estimate = await h.request('POST', '/estimate', ws.token, { operation: 'sql_generation', prompt: 'now only paid ones', conversationId });
        const fresh = await h.request('POST', '/estimate', ws.token, { operation: 'sql_generation', prompt: 'now only paid ones' });
        assert.ok(estimate.body.inputTokens > fresh.body.inputTokens, 'the context is counted in the estimate');

        fake.reply({ text: 'SELECT * FROM orders WHERE paid;' });
        const second = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'now only paid ones', conversationId, idempotencyKey: chatKey() });
        assert.equal(second.last!.event, 'settled');
        assert.equal(second.events[0]!.data.conversationId, conversationId);
        assert.equal(second.events[0]!.data.estimate.inputTokens, estimate.body.inputTokens);
        const sent = JSON.stringify(fake.lastRequest!.body.messages);
        assert.ok(sent.includes('orders by status') && sent.includes(ANSWER) && sent.includes('now only paid ones'));

        const conversation = z.parse(Conversation, (await h.request('GET', `/conversations/${conversationId}`, ws.token)).body);
        assert.deepEqual(
          conversation.messages.map((m) => [m.role, m.status]),
          [
            ['user', 'complete'],
            ['assistant', 'complete'],
            ['user', 'complete'],
            ['assistant', 'complete'],
          ],
        );
        assert.equal(conversation.messages[1]!.content, ANSWER);
        assert.equal(conversation.messages[1]!.id, first.events[0]!.data.messageId);
        assert.deepEqual(conversation.messages[3]!.receipt, second.last!.data.receipt);
        assert.equal(conversation.title, 'orders by status');
        const list = (await h.request('GET', '/conversations', ws.token)).body.conversations;
        assert.deepEqual(list.map((c: { id: string; messageCount: number }) => [c.id, c.messageCount]), [[conversationId, 4]]);
      });

      it('answers a replayed idempotency key from the first result: no second call, no second charge', async () => {
        const { h, fake } = live;
        const ws = await h.workspace();
        const key = chatKey();
        const body = { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: key };
        const first = await chat(h, ws.token, body);
        const afterFirst = await balanceOf(h, ws.token);
        const again = await chat(h, ws.token, body);
        assert.equal(again.status, 200);
        assert.equal(again.headers.get('idempotent-replayed'), 'true');
        assert.deepEqual(again.events[0], first.events[0]);
        assert.equal(textOf(again.events), ANSWER);
        assert.deepEqual(again.last, first.last);
        assert.equal(fake.requests.length, 1, 'the provider was called once');
        assert.equal((await balanceOf(h, ws.token)).total, afterFirst.total);
        const usage = (await h.request('GET', '/usage', ws.token)).body.entries;
        assert.equal(usage.length, 1);

        const other = await chat(h, ws.token, { ...body, prompt: 'something else' });
        assert.equal(other.status, 422);
        assert.equal(other.json.error.code, 'idempotency_mismatch');
        await assertBooksClean(h, ws.id);
      });

      it('answers 402 with needed and available before any stream, holding nothing', async () => {
        const { h, fake } = live;
        const ws = await h.workspace({ builders: 1, creditsPerBuilder: 3 });
        const result = await chat(h, ws.token, { operation: 'app_generation', prompt: 'a CRM', idempotencyKey: chatKey() });
        assert.equal(result.status, 402);
        assert.equal(result.json.error.code, 'insufficient_credits');
        assert.equal(result.json.error.available, 3);
        assert.ok(result.json.error.needed > 3);
        assert.equal(fake.requests.length, 0);
        assert.deepEqual((await h.request('GET', '/conversations', ws.token)).body.conversations, []);
        await assertBooksClean(h, ws.id);
      });

      it('answers 404 for a conversation that is not there, before holding anything', async () => {
        const { h, fake } = live;
        const ws = await h.workspace();
        const result = await chat(h, ws.token, { operation: 'docs_assistant', prompt: 'hi', conversationId: 'conv_nope', idempotencyKey: chatKey() });
        assert.equal(result.status, 404);
        assert.equal(fake.requests.length, 0);
        await assertBooksClean(h, ws.id);
      });
    });
  }
});

onEachStore('POST /estimate', (kind) => {
  const live = useFakeUpstream(kind, WIRE_FORMATS[0], { reply: {} });

  it('uses the catalog average until 5 settled operations of the type, then the workspace’s history', async () => {
    const { h, fake } = live;
    const ws = await h.workspace({ creditsPerBuilder: 500 });
    // Types no other test runs on this model, answered under a model id of this run alone: other
    // tests' answers (the instance's history, which PostgreSQL keeps across files and runs) stay out.
    const ask = async () => z.parse(Estimate, (await h.request('POST', '/estimate', ws.token, { operation: 'modify_layout', prompt: 'two columns please' })).body);
    const average = await ask();
    assert.equal(average.basis, 'average');
    assert.deepEqual([average.expected, average.max], [50, 100]);
    assert.ok(average.inputTokens > 100, 'the system prompt is counted');

    // 300 output tokens per answer: far from the catalog's 50 credits
    fake.reply({ chunks: ['word '.repeat(300)], usage: { inputTokens: 200, outputTokens: 300 }, model: `unshared-${randomUUID()}` });
    for (let i = 0; i < 5; i++) {
      assert.equal((await ask()).basis, 'average', `after ${i} settled`);
      const result = await chat(h, ws.token, { operation: 'modify_layout', prompt: `layout ${i}`, idempotencyKey: chatKey() });
      assert.equal(result.last!.event, 'settled');
    }
    // another type's history does not count
    assert.equal(z.parse(Estimate, (await h.request('POST', '/estimate', ws.token, { operation: 'debug_autofix', prompt: 'x' })).body).basis, 'average');

    const learned = await ask();
    assert.equal(learned.basis, 'history');
    const price = TEST_PRICES.priceOf('gpt-4o-mini');
    assert.equal(toMillicredits(learned.expected), millicreditsForUsage(price, { inputTokens: learned.inputTokens, outputTokens: 300 }));
    assert.ok(learned.max >= learned.expected);
    assert.equal(fromMillicredits(toMillicredits(learned.max)), learned.max);
    await assertBooksClean(h, ws.id);
  });

  it('refuses a prompt too long for the model’s window with a 400 naming the field', async () => {
    // an unknown local model gets a small window (8192 tokens), of which a quarter stays free for output
    const small = await openChatHarness(kind, demoAiOptions({ provider: { provider: 'demo', model: 'tiny-local-model' } }));
    try {
      const ws = await small.workspace();
      const prompt = Array.from({ length: 4_000 }, (_, i) => (i * 7919).toString(36)).join(' ').slice(0, 20_000);
      const estimate = await small.request('POST', '/estimate', ws.token, { operation: 'docs_assistant', prompt });
      assert.equal(estimate.status, 400);
      assert.equal(estimate.body.error.field, 'prompt');
      const result = await chat(small, ws.token, { operation: 'docs_assistant', prompt, idempotencyKey: chatKey() });
      assert.equal(result.status, 400);
      assert.equal(result.json.error.field, 'prompt');
      await assertBooksClean(small, ws.id);
    } finally {
      await small.close();
    }
  });

  it('validates its input and needs a builder token', async () => {
    const { h } = live;
    const ws = await h.workspace();
    const bad = await h.request('POST', '/estimate', ws.token, { operation: 'nope', prompt: 'x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'operation');
    assert.equal((await h.request('POST', '/estimate', undefined, { operation: 'custom_code', prompt: 'x' })).status, 401);
    const missing = await h.request('POST', '/estimate', ws.token, { operation: 'custom_code', prompt: 'x', conversationId: 'conv_missing' });
    assert.equal(missing.status, 404);
  });
});

onEachStore('POST /chat on a model priced at zero', (kind) => {
  it('holds the smallest amount, charges nothing, and still keeps a receipt of the tokens', async () => {
    const h = await openChatHarness(
      kind,
      demoAiOptions({ provider: { provider: 'demo', model: 'local-llm' }, prices: new PriceTable({ 'local-llm': { input: 0, output: 0 } }) }),
    );
    try {
      const ws = await h.workspace();
      const result = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: chatKey() });
      assert.equal(result.last!.event, 'settled');
      const { receipt } = result.last!.data;
      assert.equal(receipt.credits, 0);
      assert.ok(receipt.usage.outputTokens > 0);
      await assertBooksClean(h, ws.id);
    } finally {
      await h.close();
    }
  });
});
