import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { readServerSentEvents, type ServerSentEvent } from '../../src/client/sse.js';
import { cutRanges } from './support/split.js';

/** A byte stream delivering `bytes` cut at the given offsets. */
function streamOf(bytes: Uint8Array, offsets: readonly number[]): ReadableStream<Uint8Array> {
  const chunks = cutRanges(bytes.length, offsets).map(([start, end]) => bytes.slice(start, end));
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(stream)) events.push(event);
  return events;
}

const STREAM = [
  ': a comment',
  'event: reserved',
  'data: {"holdId":"h1","credits":8}',
  '',
  'event: delta',
  'data: {"text":"Grüße 👋 — ünïcödé"}',
  '',
  'event: delta\r\ndata: {"text":"line one"}\r\ndata: {"text":"line two"}\r\n\r',
  'event:delta',
  'data:{"text":"no space"}',
  'id: 7',
  'retry: 1000',
  '',
  'data: plain message',
  '',
  'event: settled',
  'data: {"receipt":{}}',
  '',
  'event: cut-off',
  'data: never dispatched',
].join('\n');

const EXPECTED: ServerSentEvent[] = [
  { event: 'reserved', data: '{"holdId":"h1","credits":8}' },
  { event: 'delta', data: '{"text":"Grüße 👋 — ünïcödé"}' },
  { event: 'delta', data: '{"text":"line one"}\n{"text":"line two"}' },
  { event: 'delta', data: '{"text":"no space"}' },
  { event: 'message', data: 'plain message' },
  { event: 'settled', data: '{"receipt":{}}' },
];

describe('readServerSentEvents', () => {
  const bytes = new TextEncoder().encode(STREAM);

  it('parses events, multi-line data, comments and CR/LF/CRLF line ends', async () => {
    expect(await readAll(streamOf(bytes, []))).to.deep.equal(EXPECTED);
  });

  it('gives the same events however the bytes are split (UTF-8 and CRLF across chunks)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 60 }), async (offsets) => {
        expect(await readAll(streamOf(bytes, offsets))).to.deep.equal(EXPECTED);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same events one byte at a time', async () => {
    const offsets = Array.from({ length: bytes.length }, (_, i) => i);
    expect(await readAll(streamOf(bytes, offsets))).to.deep.equal(EXPECTED);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: one\n\ndata: two\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readServerSentEvents(stream)) {
      expect(event.data).to.equal('one');
      break;
    }
    expect(cancelled).to.equal(true);
  });
});
