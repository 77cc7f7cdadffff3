import assert from 'node:assert/strict';
import { it } from 'node:test';
import { toMillicredits } from '../../../src/contract/index.js';
import { countTextTokens } from '../../../src/server/ai/tokens.js';
import { millicreditsForUsage } from '../../../src/server/ai/pricing.js';
import { SseParser } from '../../../src/server/ai/sse.js';
import { onEachStore } from '../support/stores.js';
import { assertBooksClean, balanceOf, chatKey, holdStatuses, postChat, TEST_PRICES, until, useFakeUpstream, WIRE_FORMATS } from './support.js';
import { listen } from '../support/listen.js';

const format = WIRE_FORMATS[0];
const LONG_ANSWER = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');

/** Reads events until `enough` says so, then hands the reader back. */
async function readUntil(response: Response, enough: (deltas: number) => boolean) {
  const reader = response.body!.getReader();
  const parser = new SseParser();
  let deltas = 0;
  while (!enough(deltas)) {
    const { done, value } = await reader.read();
    if (done) throw new Error('the stream ended early');
    deltas += parser.push(value).filter((e) => e.event === 'delta').length;
  }
  return reader;
}

onEachStore('POST /chat when the builder stops or disconnects', (kind) => {
  const live = useFakeUpstream(kind, format, { reply: { text: LONG_ANSWER, chunkDelayMs: 15 } });

  /** The stopped answer was charged for its text, counted with the tokenizer, and the upstream call was cut. */
  async function assertSettledProduced(workspaceId: string, token: string, before: number) {
    const { h, fake } = live;
    await h.ai!.idle();
    const [message] = await h.store.query<{ content: string; status: string; receipt: any }>(
      `SELECT m.content, m.status, m.receipt FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.workspace_id = $1 AND m.role = 'assistant'`,
      [workspaceId],
    );
    assert.equal(message!.status, 'stopped');
    assert.ok(message!.content.length > 0 && LONG_ANSWER.startsWith(message!.content) && message!.content !== LONG_ANSWER);
    const usage = message!.receipt.usage;
    assert.equal(usage.outputTokens, countTextTokens(message!.content, format.model));
    const charge = millicreditsForUsage(TEST_PRICES.priceOf(format.model), usage);
    assert.equal(toMillicredits(message!.receipt.credits), charge);
    assert.equal(toMillicredits(before) - toMillicredits((await balanceOf(h, token)).total), charge);
    await until(() => fake.lastRequest!.disconnected);
    await assertBooksClean(h, workspaceId);
    assert.deepEqual(await holdStatuses(h, workspaceId), { captured: 1 });
  }

  it('aborting the request mid-stream settles what was produced', async () => {
    const { h } = live;
    const ws = await h.workspace();
    const before = (await balanceOf(h, ws.token)).total;
    const abort = new AbortController();
    const response = await postChat(h, ws.token, { operation: 'docs_assistant', prompt: 'explain', idempotencyKey: chatKey() }, { signal: abort.signal });
    await readUntil(response, (n) => n >= 3);
    abort.abort();
    await assertSettledProduced(ws.id, ws.token, before);
  });

  it('cancelling the response body mid-stream settles what was produced', async () => {
    const { h } = live;
    const ws = await h.workspace();
    const before = (await balanceOf(h, ws.token)).total;
    const response = await postChat(h, ws.token, { operation: 'docs_assistant', prompt: 'explain', idempotencyKey: chatKey() });
    const reader = await readUntil(response, (n) => n >= 3);
    await reader.cancel();
    await assertSettledProduced(ws.id, ws.token, before);
  });

  it('a client that hangs up on a real HTTP server is settled the same way', async () => {
    const { h } = live;
    const server = await listen(h.app);
    try {
      const ws = await h.workspace();
      const before = (await balanceOf(h, ws.token)).total;
      const abort = new AbortController();
      const response = await fetch(`${server.origin}/api/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ operation: 'docs_assistant', prompt: 'explain', idempotencyKey: chatKey() }),
        signal: abort.signal,
      });
      await readUntil(response, (n) => n >= 3);
      abort.abort();
      await until(async () => (await holdStatuses(h, ws.id)).captured === 1);
      await assertSettledProduced(ws.id, ws.token, before);
    } finally {
      await server.close();
    }
  });

  it('stopping before any text voids the hold and frees the key', async () => {
    const { h, fake } = live;
    const ws = await h.workspace();
    const before = (await balanceOf(h, ws.token)).total;
    fake.replyOnce({ text: LONG_ANSWER, firstByteDelayMs: 300 });
    const abort = new AbortController();
    const body = { operation: 'docs_assistant', prompt: 'explain', idempotencyKey: chatKey() };
    const pending = postChat(h, ws.token, body, { signal: abort.signal }).catch(() => undefined);
    await until(() => fake.requests.length === 1);
    abort.abort();
    await pending;
    await h.ai!.idle();
    await assertBooksClean(h, ws.id);
    assert.deepEqual(await holdStatuses(h, ws.id), { voided: 1 });
    assert.equal((await balanceOf(h, ws.token)).total, before);
    const [row] = await h.store.query<{ state: string }>('SELECT state FROM ai_requests WHERE workspace_id = $1', [ws.id]);
    assert.equal(row!.state, 'retryable');
  });

  it('a replay of a stopped, charged request answers its receipt without running again', async () => {
    const { h, fake } = live;
    const ws = await h.workspace();
    const body = { operation: 'docs_assistant', prompt: 'explain', idempotencyKey: chatKey() };
    const abort = new AbortController();
    const response = await postChat(h, ws.token, body, { signal: abort.signal });
    await readUntil(response, (n) => n >= 2);
    abort.abort();
    await h.ai!.idle();
    const afterStop = (await balanceOf(h, ws.token)).total;
    const replay = await postChat(h, ws.token, body);
    const raw = await replay.text();
    assert.match(raw, /event: settled/);
    assert.equal(fake.requests.length, 1);
    assert.equal((await balanceOf(h, ws.token)).total, afterStop);
    await assertBooksClean(h, ws.id);
  });
});
