import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseStream } from '../../../src/server/metering/sse-stream.js';

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SseStream: what a stream holds is freed as it ends', () => {
  it('runs its end hooks on close, and the client sees the end only once they are done', async () => {
    const sse = new SseStream();
    assert.equal(SseStream.of(sse.response.body), sse);
    assert.equal(new Response(sse.response.body, sse.response).headers.get('transfer-encoding'), 'chunked');
    const started = deferred();
    const gate = deferred();
    let freed = false;
    sse.beforeEnd(async () => {
      started.resolve();
      await gate.promise;
      freed = true;
    });
    sse.send('delta', { text: 'hi' });
    let read = false;
    const text = sse.response.text().then((t) => {
      read = true;
      return t;
    });
    sse.close();
    await started.promise;
    // the hook is pending: the body cannot have ended, however long we look
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(read, false);
    gate.resolve();
    assert.equal(await text, 'event: delta\ndata: {"text":"hi"}\n\n');
    assert.equal(freed, true);
  });

  it('runs them when the client goes away, and at once for a hook that comes after the end', async () => {
    let cancelled = false;
    const sse = new SseStream({ onCancel: () => (cancelled = true) });
    let first = 0;
    sse.beforeEnd(async () => {
      first++;
    });
    await sse.response.body!.cancel();
    assert.equal(cancelled, true);
    assert.equal(first, 1);
    const late = deferred();
    sse.beforeEnd(async () => late.resolve());
    await late.promise;
    sse.close();
    assert.equal(first, 1, 'each hook runs once');
  });
});
