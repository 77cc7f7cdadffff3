import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as z from 'zod/mini';
import { ConversationsResponse } from '../../../src/contract/index.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { assertBooksClean, chat, chatKey, demoAiOptions, holdStatuses, openChatHarness } from './support.js';

onEachStore('conversations belong to their builder', (kind) => {
  let h: Harness;
  before(async () => {
    h = await openChatHarness(kind, demoAiOptions());
  });
  after(() => h.close());

  it('lists only the builder’s own conversations, newest first', async () => {
    const ws = await h.workspace();
    const [alice, bob] = ws.tokens as [string, string];
    const first = await chat(h, alice, { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: chatKey() });
    h.clock.advance(1000);
    const second = await chat(h, alice, { operation: 'custom_code', prompt: 'format a date', idempotencyKey: chatKey() });
    await chat(h, bob, { operation: 'docs_assistant', prompt: 'how do tables work?', idempotencyKey: chatKey() });
    const list = z.parse(ConversationsResponse, (await h.request('GET', '/conversations', alice)).body).conversations;
    assert.deepEqual(
      list.map((c) => [c.id, c.title, c.operation, c.messageCount]),
      [
        [second.events[0]!.data.conversationId, 'format a date', 'custom_code', 2],
        [first.events[0]!.data.conversationId, 'orders by status', 'sql_generation', 2],
      ],
    );
    const demo = (await h.request('GET', `/conversations/${first.events[0]!.data.conversationId}`, alice)).body;
    assert.match(demo.messages[1].content, /Demo model `credit-chat-demo-1`/);
  });

  it('answers 404 for another builder’s or another workspace’s conversation, and chats in it hold nothing', async () => {
    const ws = await h.workspace();
    const other = await h.workspace();
    const [alice, bob] = ws.tokens as [string, string];
    const started = await chat(h, alice, { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: chatKey() });
    const id = started.events[0]!.data.conversationId as string;
    assert.equal((await h.request('GET', `/conversations/${id}`, alice)).status, 200);
    for (const token of [bob, other.token]) {
      const read = await h.request('GET', `/conversations/${id}`, token);
      assert.equal(read.status, 404);
      assert.equal(read.body.error.code, 'not_found');
      const into = await chat(h, token, { operation: 'sql_generation', prompt: 'more', conversationId: id, idempotencyKey: chatKey() });
      assert.equal(into.status, 404);
      const estimate = await h.request('POST', '/estimate', token, { operation: 'sql_generation', prompt: 'more', conversationId: id });
      assert.equal(estimate.status, 404);
    }
    assert.equal((await h.request('GET', '/conversations/not a valid id', alice)).status, 404);
    assert.deepEqual(await holdStatuses(h, other.id), {});
    assert.deepEqual(await holdStatuses(h, ws.id), { captured: 1 });
    assert.equal((await h.request('GET', `/conversations/${id}`, alice)).body.messages.length, 2);
    await assertBooksClean(h, ws.id);
  });

  it('the same idempotency key of two builders is two requests', async () => {
    const ws = await h.workspace();
    const [alice, bob] = ws.tokens as [string, string];
    const key = chatKey();
    const a = await chat(h, alice, { operation: 'custom_code', prompt: 'x', idempotencyKey: key });
    const b = await chat(h, bob, { operation: 'custom_code', prompt: 'x', idempotencyKey: key });
    assert.equal(a.last!.event, 'settled');
    assert.equal(b.last!.event, 'settled');
    assert.notEqual(a.last!.data.receipt.id, b.last!.data.receipt.id);
    assert.equal(b.headers.get('idempotent-replayed'), null);
  });
});
