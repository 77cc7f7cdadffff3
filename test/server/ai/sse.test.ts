import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SseParser, type SseEvent } from '../../../src/server/ai/sse.js';

function parseAll(chunks: (string | Uint8Array)[]): { events: SseEvent[]; clean: boolean } {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return { events, clean: parser.finish().clean };
}

/** The bytes of `text` cut at the given offsets (sorted, deduplicated), possibly inside a character. */
function cutBytes(text: string, cuts: number[]): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

describe('SseParser', () => {
  it('parses event names, multi-line data, ids and comments, and drops the single space after the colon', () => {
    const { events, clean } = parseAll([': keep-alive\nevent: message_start\ndata: {"a":1}\n\ndata: line one\ndata:  two\nid: 7\n\n']);
    assert.deepEqual(events, [
      { event: 'message_start', data: '{"a":1}' },
      { event: 'message', data: 'line one\n two', id: '7' },
    ]);
    assert.equal(clean, true);
  });

  it('accepts \\r\\n and lone \\r line endings, also with a \\r\\n split across chunks', () => {
    const { events } = parseAll(['data: a\r', '\n\r', '\ndata: b\r\rdata: c\r\n\r\n']);
    assert.deepEqual(
      events.map((e) => e.data),
      ['a', 'b', 'c'],
    );
  });

  it('does not dispatch an event without data, and resets the event name after each event', () => {
    const { events } = parseAll(['event: ping\n\ndata: x\n\n']);
    assert.deepEqual(events, [{ event: 'message', data: 'x' }]);
  });

  it('reports a stream that stops inside a line or before the blank line as not clean', () => {
    assert.equal(parseAll(['data: {"choices":[{"del']).clean, false);
    assert.equal(parseAll(['data: complete line\n']).clean, false);
    assert.equal(parseAll(['data: done\n\n']).clean, true);
  });

  it('reports a stream that stops inside a UTF-8 character as not clean', () => {
    const bytes = new TextEncoder().encode('data: é\n\n');
    assert.equal(parseAll([bytes.subarray(0, 7)]).clean, false);
  });

  it('yields the same events however the bytes are cut, even inside a UTF-8 character or a \\r\\n', () => {
    const stream =
      'event: content_block_delta\r\ndata: {"text":"Grüße, 世界 🚀"}\r\n\r\n' +
      ': ping\n' +
      'data: {"choices":[{"delta":{"content":"naïve café"}}]}\n\n' +
      'data: multi\rdata: line ✓\r\r' +
      'data: [DONE]\n\n';
    const whole = parseAll([stream]);
    assert.equal(whole.events.length, 4);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 400 }), { maxLength: 40 }), (cuts) => {
        const pieces = parseAll(cutBytes(stream, cuts));
        assert.deepEqual(pieces.events, whole.events);
        assert.equal(pieces.clean, true);
      }),
      { numRuns: 500 },
    );
  });

  it('parses arbitrary data lines back exactly, whatever the chunking', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/[\r\n]/.test(s));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (datas, cuts) => {
        const text = datas.map((d) => `data: ${d}\n\n`).join('');
        const { events } = parseAll(cutBytes(text, cuts));
        assert.deepEqual(
          events.map((e) => e.data),
          datas,
        );
      }),
      { numRuns: 300 },
    );
  });
});
