import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as z from 'zod/mini';
import { Conversation } from '../../../src/contract/index.js';
import type { Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { assertBooksClean, chat, chatKey, demoAiOptions, holdStatuses, openChatHarness } from './support.js';

onEachStore('conversation actions: rename, delete, feedback, regenerate, edit and resend', (kind) => {
  let h: Harness;
  before(async () => {
    h = await openChatHarness(kind, demoAiOptions());
  });
  after(() => h.close());

  async function read(token: string, id: string) {
    const answer = await h.request('GET', `/conversations/${id}`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return z.parse(Conversation, answer.body);
  }

  async function start(token: string, prompt = 'orders by status') {
    const started = await chat(h, token, { operation: 'sql_generation', prompt, idempotencyKey: chatKey() });
    assert.equal(started.last?.event, 'settled');
    return started.events[0]!.data.conversationId as string;
  }

  it('renames and deletes only the builder’s own conversations (404 across builders and workspaces)', async () => {
    const ws = await h.workspace();
    const other = await h.workspace();
    const [alice, bob] = ws.tokens as [string, string];
    const id = await start(alice);
    for (const token of [bob, other.token]) {
      assert.equal((await h.request('PATCH', `/conversations/${id}`, token, { title: 'mine now' })).status, 404);
      assert.equal((await h.request('DELETE', `/conversations/${id}`, token)).status, 404);
      assert.equal((await h.request('PUT', `/conversations/${id}/messages/x/feedback`, token, { rating: 'up' })).status, 404);
    }
    const blank = await h.request('PATCH', `/conversations/${id}`, alice, { title: '  ' });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.error.field, 'title');
    assert.equal((await h.request('PATCH', `/conversations/${id}`, alice, {})).body.error.field, 'title');
    const renamed = await h.request('PATCH', `/conversations/${id}`, alice, { title: ' Orders, by status ' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.title, 'Orders, by status');
    assert.equal((await read(alice, id)).title, 'Orders, by status');

    const deleted = await h.request('DELETE', `/conversations/${id}`, alice);
    assert.deepEqual(deleted.body, { id, deleted: true });
    assert.equal((await h.request('GET', `/conversations/${id}`, alice)).status, 404);
    assert.deepEqual((await h.request('GET', '/conversations', alice)).body.conversations, []);
    assert.equal((await chat(h, alice, { operation: 'sql_generation', prompt: 'more', conversationId: id, idempotencyKey: chatKey() })).status, 404);
    assert.equal((await h.request('DELETE', `/conversations/${id}`, alice)).status, 404);
    await assertBooksClean(h, ws.id);
  });

  it('keeps feedback with the answer and returns it with the conversation', async () => {
    const ws = await h.workspace();
    const id = await start(ws.token);
    const [prompt, answer] = (await read(ws.token, id)).messages;
    const rated = await h.request('PUT', `/conversations/${id}/messages/${answer!.id}/feedback`, ws.token, { rating: 'down', comment: 'wrong join' });
    assert.equal(rated.status, 200, JSON.stringify(rated.body));
    assert.equal(rated.body.feedback.rating, 'down');
    const again = await h.request('PUT', `/conversations/${id}/messages/${answer!.id}/feedback`, ws.token, { rating: 'up' });
    assert.equal(again.body.feedback.rating, 'up');
    const messages = (await read(ws.token, id)).messages;
    assert.equal(messages[1]!.feedback?.rating, 'up');
    assert.equal(messages[1]!.feedback?.comment, undefined);
    assert.equal(messages[0]!.feedback, null);
    const bad = await h.request('PUT', `/conversations/${id}/messages/${answer!.id}/feedback`, ws.token, { rating: 'meh' });
    assert.equal(bad.body.error.field, 'rating');
    const onPrompt = await h.request('PUT', `/conversations/${id}/messages/${prompt!.id}/feedback`, ws.token, { rating: 'up' });
    assert.equal(onPrompt.status, 400);
    assert.equal(onPrompt.body.error.field, 'messageId');
    assert.equal((await h.request('PUT', `/conversations/${id}/messages/msg_nope/feedback`, ws.token, { rating: 'up' })).status, 404);
  });

  it('regenerates an answer as a new version with its own receipt, and switches between versions', async () => {
    const ws = await h.workspace();
    const id = await start(ws.token);
    const first = (await read(ws.token, id)).messages;
    const estimate = await h.request('POST', '/estimate', ws.token, { operation: 'sql_generation', prompt: '', conversationId: id, regenerateOf: first[1]!.id });
    assert.equal(estimate.status, 200, JSON.stringify(estimate.body));
    assert.ok(estimate.body.expected > 0);
    const again = await chat(h, ws.token, { operation: 'sql_generation', conversationId: id, regenerateOf: first[1]!.id, idempotencyKey: chatKey() });
    assert.equal(again.last?.event, 'settled', JSON.stringify(again.json ?? again.last));
    const receipts = [first[1]!.receipt!.id, again.last!.data.receipt.id];
    assert.notEqual(receipts[0], receipts[1]);
    const now = await read(ws.token, id);
    assert.equal(now.messages.length, 2, 'the active branch: one prompt, its newest answer');
    assert.equal(now.messages[0]!.id, first[0]!.id);
    assert.equal(now.messages[1]!.id, again.events[0]!.data.messageId);
    assert.deepEqual(now.messages[1]!.versions, [first[1]!.id, now.messages[1]!.id]);
    assert.deepEqual(now.messages[0]!.versions, [first[0]!.id]);
    // show version 1 of 2, then continue from it
    const back = await h.request('PATCH', `/conversations/${id}`, ws.token, { activeMessageId: first[1]!.id });
    assert.equal(back.body.messages[1].id, first[1]!.id);
    assert.equal(back.body.activeMessageId, first[1]!.id);
    const next = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'and per month?', conversationId: id, idempotencyKey: chatKey() });
    assert.equal(next.last?.event, 'settled');
    const continued = await read(ws.token, id);
    assert.deepEqual(continued.messages.map((m) => m.parentId), [null, first[0]!.id, first[1]!.id, continued.messages[2]!.id]);
    // regenerate needs its conversation, and names an answer of it
    const noConversation = await chat(h, ws.token, { operation: 'sql_generation', regenerateOf: first[1]!.id, idempotencyKey: chatKey() });
    assert.equal(noConversation.json.error.field, 'conversationId');
    assert.equal((await chat(h, ws.token, { operation: 'sql_generation', conversationId: id, regenerateOf: first[0]!.id, idempotencyKey: chatKey() })).status, 404);
    assert.deepEqual(await holdStatuses(h, ws.id), { captured: 3 });
    await assertBooksClean(h, ws.id);
  });

  it('edits and resends a prompt as a new branch, whose context leaves the later exchanges out', async () => {
    const ws = await h.workspace();
    const id = await start(ws.token, 'first question');
    await chat(h, ws.token, { operation: 'sql_generation', prompt: 'second question', conversationId: id, idempotencyKey: chatKey() });
    const before = (await read(ws.token, id)).messages;
    assert.equal(before.length, 4);
    const edited = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'second question, better', conversationId: id, editOf: before[2]!.id, idempotencyKey: chatKey() });
    assert.equal(edited.last?.event, 'settled');
    const after = await read(ws.token, id);
    assert.deepEqual(after.messages.map((m) => m.content.slice(0, 23)), ['first question', before[1]!.content.slice(0, 23), 'second question, better', after.messages[3]!.content.slice(0, 23)]);
    assert.deepEqual(after.messages[2]!.versions, [before[2]!.id, after.messages[2]!.id]);
    assert.equal(after.messages[2]!.parentId, before[1]!.id);
    // the old branch is one PATCH away, whole
    const old = await h.request('PATCH', `/conversations/${id}`, ws.token, { activeMessageId: before[2]!.id });
    assert.deepEqual(old.body.messages.map((m: { id: string }) => m.id), before.map((m) => m.id));
    const onAnswer = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'x', conversationId: id, editOf: before[1]!.id, idempotencyKey: chatKey() });
    assert.equal(onAnswer.status, 404);
    const both = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'x', conversationId: id, editOf: before[2]!.id, regenerateOf: before[1]!.id, idempotencyKey: chatKey() });
    assert.equal(both.json.error.field, 'regenerateOf');
    await assertBooksClean(h, ws.id);
  });
});
