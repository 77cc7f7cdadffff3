const encoder = new TextEncoder();

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx and similar proxies would otherwise buffer the answer
  'x-accel-buffering': 'no',
  // said, so that @hono/node-server writes the head and each event as it comes: without it, it
  // reads ahead to find a length, and waits a timer turn when the second chunk is not there yet
  'transfer-encoding': 'chunked',
};

export interface SseStreamOptions {
  /** a comment line after this much silence keeps proxies from closing an idle stream; 0: none */
  heartbeatMs?: number;
  /** the client went away (the response body was cancelled) */
  onCancel?: () => void;
  headers?: Record<string, string>;
}

/**
 * A `text/event-stream` response written as events happen. Writes after the client has
 * gone, or after `close()`, are dropped.
 */
export class SseStream {
  readonly response: Response;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private closed = false;
  private lastWrite = Date.now();
  private readonly heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(options: SseStreamOptions = {}) {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.stop();
        options.onCancel?.();
      },
    });
    this.response = new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
    const every = options.heartbeatMs ?? 0;
    if (every > 0) {
      this.heartbeat = setInterval(() => {
        if (Date.now() - this.lastWrite >= every) this.write(': keep-alive\n\n');
      }, every);
      this.heartbeat.unref();
    }
  }

  get open(): boolean {
    return !this.closed;
  }

  /** `event: name` with the JSON of `data`; omit the name for the default `message` event. */
  send(event: string | undefined, data: unknown): void {
    const json = typeof data === 'string' ? data : JSON.stringify(data);
    this.write(`${event ? `event: ${event}\n` : ''}data: ${json}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.stop();
    try {
      this.controller.close();
    } catch {
      // already cancelled by the client
    }
  }

  private write(text: string): void {
    if (this.closed) return;
    this.lastWrite = Date.now();
    try {
      this.controller.enqueue(encoder.encode(text));
    } catch {
      this.stop();
    }
  }

  private stop(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}
