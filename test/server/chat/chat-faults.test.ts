import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FakeReply } from '../../support/fake-upstream.js';
import type { ChatRequest } from '../../../src/contract/index.js';
import { chatRequestHash } from '../../../src/server/chat/chat-handler.js';
import { onEachStore } from '../support/stores.js';
import { aiOptionsFor, assertBooksClean, balanceOf, chat, chatKey, holdStatuses, openChatHarness, textOf, useFakeUpstream, WIRE_FORMATS } from './support.js';

const ANSWER = 'One two three four five six seven eight nine ten eleven twelve.';

/** Broken upstreams that fail after the stream has opened: an `error` event, not charged. */
const STREAM_FAULTS: { name: string; reply: FakeReply; message: RegExp }[] = [
  { name: 'a stream cut in the middle of a chunk', reply: { fault: 'cut_mid_chunk', cutAfterChunks: 3 }, message: /cut|stream/i },
  { name: 'a connection reset mid-stream', reply: { fault: 'reset', cutAfterChunks: 3 }, message: /cut|stream|answer/i },
  { name: 'invalid JSON in the stream', reply: { fault: 'invalid_json' }, message: /invalid JSON/i },
  { name: 'a stream without usage', reply: { fault: 'missing_usage' }, message: /usage/i },
  { name: 'the upstream’s own error event', reply: { fault: 'error_event', cutAfterChunks: 2 }, message: /failed mid-stream/i },
  { name: 'HTTP 500', reply: { status: 500, errorMessage: 'boom' }, message: /HTTP 500/ },
  { name: 'no first byte in time', reply: { firstByteDelayMs: 4_000 }, message: /in time/ },
];

onEachStore('POST /chat with broken upstreams', (kind) => {
  for (const format of WIRE_FORMATS) {
    describe(`${format.name} wire format`, () => {
      const live = useFakeUpstream(kind, format, {
        reply: { text: ANSWER },
        // margins of seconds around each timer, so a loaded machine cannot move an event across one
        ai: { providerOptions: { timeouts: { firstByteMs: 2_500, idleMs: 3_000 } }, streamStartGraceMs: 100 },
      });

      for (const fault of STREAM_FAULTS) {
        it(`${fault.name}: an error event, not charged, the hold voided, and the key free for a retry`, async () => {
          const { h, fake } = live;
          const ws = await h.workspace();
          const before = await balanceOf(h, ws.token);
          const body = { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: chatKey() };
          fake.replyOnce({ text: ANSWER, ...fault.reply });
          const result = await chat(h, ws.token, body);
          assert.equal(result.status, 200);
          assert.equal(result.events[0]!.event, 'reserved');
          assert.equal(result.last!.event, 'error');
          assert.equal(result.last!.data.code, 'provider_error');
          assert.equal(result.last!.data.charged, 0);
          assert.match(result.last!.data.message, fault.message);
          assert.match(result.last!.data.message, /Not charged\.$/);
          assert.equal(result.last!.data.receipt, undefined);
          assert.doesNotMatch(JSON.stringify(result.events), /sk-server-upstream-key/);
          await assertBooksClean(h, ws.id);
          assert.deepEqual(await holdStatuses(h, ws.id), { voided: 1 });
          assert.equal((await balanceOf(h, ws.token)).total, before.total);

          const { conversationId, messageId } = result.events[0]!.data;
          const conversation = (await h.request('GET', `/conversations/${conversationId}`, ws.token)).body;
          const answer = conversation.messages.find((m: { id: string }) => m.id === messageId);
          assert.equal(answer.status, 'failed');
          assert.equal(answer.receipt, null);
          assert.equal(answer.content, textOf(result.events));

          // nothing was charged, so the same key runs again, in the same conversation, and is charged once
          const retry = await chat(h, ws.token, body);
          assert.equal(retry.last!.event, 'settled');
          assert.equal(retry.events[0]!.data.conversationId, conversationId);
          const replay = await chat(h, ws.token, body);
          assert.deepEqual(replay.last, retry.last);
          assert.equal(fake.requests.length, 2);
          const charged = retry.last!.data.receipt.credits;
          assert.equal(Math.round(((await balanceOf(h, ws.token)).total - (before.total - charged)) * 1000), 0);
          await assertBooksClean(h, ws.id);
          assert.deepEqual(await holdStatuses(h, ws.id), { voided: 1, captured: 1 });
        });
      }

      it('HTTP 429 before the stream: passed on as 429 with Retry-After, the hold voided', async () => {
        const { h, fake } = live;
        const ws = await h.workspace();
        const before = await balanceOf(h, ws.token);
        fake.replyOnce({ status: 429, retryAfter: '7', errorMessage: 'slow down' });
        const result = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'x', idempotencyKey: chatKey() });
        assert.equal(result.status, 429);
        assert.equal(result.headers.get('retry-after'), '7');
        assert.equal(result.json.error.code, 'rate_limited');
        assert.equal(result.json.error.retryAfter, 7);
        assert.equal(result.json.error.charged, 0);
        await assertBooksClean(h, ws.id);
        assert.deepEqual(await holdStatuses(h, ws.id), { voided: 1 });
        assert.equal((await balanceOf(h, ws.token)).total, before.total);
      });

      it('HTTP 429 after the stream has opened: an error event with retryAfter, the hold voided', async () => {
        const { h, fake } = live;
        const ws = await h.workspace();
        // answered after the grace period, but before the first-byte timeout
        fake.replyOnce({ status: 429, retryAfter: '3', firstByteDelayMs: 1_200 });
        const result = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'x', idempotencyKey: chatKey() });
        assert.equal(result.status, 200);
        assert.deepEqual(result.events.map((e) => e.event), ['reserved', 'error']);
        assert.equal(result.last!.data.code, 'rate_limited');
        assert.equal(result.last!.data.retryAfter, 3);
        assert.equal(result.last!.data.charged, 0);
        await assertBooksClean(h, ws.id);
      });

      it('a slow first byte within the timeout: the stream opens at once and settles when the answer comes', async () => {
        const { h, fake } = live;
        const ws = await h.workspace();
        fake.replyOnce({ text: ANSWER, firstByteDelayMs: 1_200 });
        const result = await chat(h, ws.token, { operation: 'sql_generation', prompt: 'x', idempotencyKey: chatKey() });
        assert.equal(result.last!.event, 'settled');
        assert.equal(textOf(result.events), ANSWER);
        await assertBooksClean(h, ws.id);
      });
    });
  }
});

onEachStore('POST /chat after its server died mid-answer', (kind) => {
  const live = useFakeUpstream(kind, WIRE_FORMATS[0], { reply: { text: ANSWER } });

  it('the same key is busy (409) while the hold lives, then runs again; the dead hold expires unspent', async () => {
    const { h, fake } = live;
    const ws = await h.workspace();
    const ctx = (await h.ledger.authenticate(ws.token))!;
    const key = chatKey();
    const body = { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: key };
    // what a server leaves behind when it is killed while streaming: a running claim and a pending hold
    const claim = await h.ai!.requests.claim(ctx, key, chatRequestHash(body as ChatRequest), 'sql_generation');
    assert.equal(claim.kind, 'run');
    const hold = await h.ledger.createHold(ctx, { operation: 'sql_generation', credits: 10, idempotencyKey: `chat:${key}:1`, ttlSeconds: 900 });
    await h.ai!.requests.attach({ ctx, key, attempt: 1 }, { holdId: hold.id });

    const busy = await chat(h, ws.token, body);
    assert.equal(busy.status, 409);
    assert.equal(busy.headers.get('retry-after'), '2');
    assert.equal(fake.requests.length, 0);

    h.clock.advance(16 * 60_000);
    const retried = await chat(h, ws.token, body);
    assert.equal(retried.last!.event, 'settled');
    await assertBooksClean(h, ws.id);
    assert.deepEqual(await holdStatuses(h, ws.id), { expired: 1, captured: 1 });
  });
});

onEachStore('POST /chat when the key’s row cannot note its hold', (kind) => {
  const live = useFakeUpstream(kind, WIRE_FORMATS[0], { reply: { text: ANSWER } });

  it('the run stops and settles what was produced, the error says what was charged, and the key is not left busy', async () => {
    const { h } = live;
    const ws = await h.workspace();
    const before = await balanceOf(h, ws.token);
    // the database refuses the update that notes the hold on this workspace's keys (it is made
    // while the answer streams); the update that ends the attempt still goes through
    const fn = `refuse_note_${ws.id.replace(/[^a-z0-9]/gi, '_')}`;
    await h.store.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.workspace_id = '${ws.id}' AND NEW.hold_id IS NOT NULL AND OLD.hold_id IS NULL THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    await h.store.query(`CREATE TRIGGER ${fn} BEFORE UPDATE ON ai_requests FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    const body = { operation: 'sql_generation', prompt: 'orders by status', idempotencyKey: chatKey() };
    let result: Awaited<ReturnType<typeof chat>>;
    try {
      result = await chat(h, ws.token, body);
    } finally {
      await h.store.query(`DROP TRIGGER ${fn} ON ai_requests`);
      await h.store.query(`DROP FUNCTION ${fn}()`);
    }
    assert.equal(result.status, 200);
    assert.equal(result.events[0]!.event, 'reserved');
    assert.equal(result.last!.event, 'error');
    assert.equal(result.last!.data.code, 'internal');
    await assertBooksClean(h, ws.id);
    const holds = await holdStatuses(h, ws.id);
    assert.equal(holds.held, undefined, 'no hold is left held');
    const spent = Math.round((before.total - (await balanceOf(h, ws.token)).total) * 1000);
    assert.equal(Math.round(result.last!.data.charged * 1000), spent, 'the error says what was charged');

    // the key is not left busy: it replays what was charged, or runs again when nothing was
    const again = await chat(h, ws.token, body);
    assert.equal(again.status, 200);
    assert.equal(again.last!.event, 'settled');
    if (spent > 0) assert.equal(again.headers.get('idempotent-replayed'), 'true');
    await assertBooksClean(h, ws.id);
  });
});

onEachStore('POST /chat heartbeats', (kind) => {
  it('sends a comment line while the provider is silent', async () => {
    const fake = await WIRE_FORMATS[0].start();
    const h = await openChatHarness(kind, aiOptionsFor(WIRE_FORMATS[0], fake, { streamStartGraceMs: 10, heartbeatMs: 40 }));
    try {
      const ws = await h.workspace();
      fake.reply({ text: 'late answer', firstByteDelayMs: 1_000 });
      const response = await h.fetch('/api/v1/chat', {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ operation: 'custom_code', prompt: 'x', idempotencyKey: chatKey() }),
      });
      const raw = await response.text();
      assert.match(raw, /^event: reserved\n/);
      assert.match(raw, /\n: keep-alive\n\n/);
      assert.match(raw, /event: settled\n/);
      await assertBooksClean(h, ws.id);
    } finally {
      await h.close();
      await fake.close();
    }
  });
});
