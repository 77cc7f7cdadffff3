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

/** The stream of each SSE body, by the body (a response rewrapped with new headers keeps its body). */
const streams = new WeakMap<ReadableStream<Uint8Array>, SseStream>();

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
  private readonly endHooks: (() => Promise<void>)[] = [];
  private ended: Promise<void> | undefined;

  /** The SseStream writing `body`, if one does. */
  static of(body: ReadableStream<Uint8Array> | null): SseStream | undefined {
    return body ? streams.get(body) : undefined;
  }

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
    streams.set(body, this);
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

  /**
   * Runs `hook` when the stream ends (closed, cancelled by the client, or already over), before
   * the client sees the end: what a stream holds (a streaming slot) is free when it does.
   */
  beforeEnd(hook: () => Promise<void>): void {
    if (this.ended) void this.ended.then(hook);
    else this.endHooks.push(hook);
  }

  close(): void {
    if (this.closed) return;
    this.stop();
    void this.end().then(() => {
      try {
        this.controller.close();
      } catch {
        // already cancelled by the client
      }
    });
  }

  /** The end hooks, once; none fails the stream (each handles its own failure). */
  private end(): Promise<void> {
    this.ended ??= Promise.allSettled(this.endHooks.splice(0).map((hook) => hook())).then(() => undefined);
    return this.ended;
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
    // cancelled, or a write failed: nothing more reaches the client
    void this.end();
  }
}
