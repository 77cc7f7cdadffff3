/** One server-sent event as the stream carries it: its name and its (possibly multi-line) data. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Reads a `text/event-stream` body into events, following the HTML standard's parsing rules:
 * lines end in CRLF, LF or CR (a CR at a chunk's end waits for the next chunk, so a CRLF split
 * across two chunks is one line end); `data` lines join with LF; a blank line dispatches;
 * comments and unknown fields are skipped; an event cut off by the stream's end is dropped.
 * UTF-8 is decoded across chunk boundaries. When much has arrived at once, reading yields to
 * the event loop every few milliseconds, so a burst never becomes one long main-thread task.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let eventName = '';
  let data: string[] = [];
  let finished = false;
  let sliceStart = performance.now();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (;;) {
        const lineEnd = findLineEnd(buffer, start, done);
        if (lineEnd < 0) break;
        const line = buffer.slice(start, lineEnd);
        start = lineEnd + (buffer[lineEnd] === '\r' && buffer[lineEnd + 1] === '\n' ? 2 : 1);
        if (line === '') {
          if (data.length > 0) {
            // One chunk can carry thousands of events: let input and rendering in between.
            if (performance.now() - sliceStart > SLICE_MS) {
              await yieldToEventLoop();
              sliceStart = performance.now();
            }
            yield { event: eventName || 'message', data: data.join('\n') };
          }
          eventName = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') eventName = value;
        else if (field === 'data') data.push(value);
      }
      buffer = buffer.slice(start);
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    // A reader that stops early (break, abort, error) cancels the body so the connection closes.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** How long reading may hold the main thread before it lets other tasks (input, rendering) run. */
const SLICE_MS = 8;

/**
 * Resumes in a task of its own, posted through a MessageChannel: an ordinary task, so rendering
 * gets its turn between slices. (`scheduler.yield()` resumes ahead of rendering: reading a burst
 * in slices then drew a frame only every 150-300 ms, and the answer rendered tens of kilobytes
 * of markdown in one frame. A timer would be clamped when chained and throttled in a hidden tab.)
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Index of the next line end at or after `from`, or -1 when the line is not complete yet. */
function findLineEnd(buffer: string, from: number, streamDone: boolean): number {
  for (let i = from; i < buffer.length; i++) {
    const char = buffer.charCodeAt(i);
    if (char === 10) return i;
    if (char === 13) {
      // A CR as the last character may be the first half of a CRLF still in flight.
      if (i === buffer.length - 1 && !streamDone) return -1;
      return i;
    }
  }
  return -1;
}
