import { SseParser, type SseEvent } from '../sse.js';
import { ProviderError, type ProviderErrorKind } from './types.js';

/** Time limits of one upstream call. */
export interface UpstreamTimeouts {
  /** from sending the request to the response headers; default 60 s */
  firstByteMs?: number;
  /** the longest silence between two body chunks; default 120 s, as reasoning models stream nothing while they think */
  idleMs?: number;
}

/** What the HTTP providers share: where to send, with which key and fetch, and how long to wait. */
export interface HttpProviderOptions {
  model: string;
  baseUrl?: string;
  apiKey?: string;
  timeouts?: UpstreamTimeouts;
  /** injectable for tests; defaults to the global fetch */
  fetch?: typeof fetch;
}

const DEFAULT_FIRST_BYTE_MS = 60_000;
const DEFAULT_IDLE_MS = 120_000;
const MAX_ERROR_BODY_CHARS = 4_000;
const MAX_ERROR_MESSAGE_CHARS = 300;
const KEY_LIKE = /\b(?:sk|xai|key)-[A-Za-z0-9_*.-]{4,}/g;

/**
 * One request to an upstream: owns the abort controller that the caller's signal and the
 * timeouts both trip, maps every failure to a `ProviderError`, and yields the body's SSE
 * events. Always `close()` it (in a finally) so the connection is released.
 */
export class UpstreamCall {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  private readonly onCallerAbort = (): void => this.controller.abort();
  private readonly firstByteMs: number;
  private readonly idleMs: number;

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    timeouts: UpstreamTimeouts | undefined,
    private readonly secret: string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.firstByteMs = timeouts?.firstByteMs ?? DEFAULT_FIRST_BYTE_MS;
    this.idleMs = timeouts?.idleMs ?? DEFAULT_IDLE_MS;
    if (callerSignal?.aborted) this.controller.abort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** POSTs JSON; resolves with a 2xx response, throws a `ProviderError` otherwise. */
  async post(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
    this.arm(this.firstByteMs);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream, application/json', ...headers },
        body: JSON.stringify(body),
        signal: this.controller.signal,
      });
    } catch (err) {
      throw this.failure(err, 'upstream', 'no answer from the AI provider');
    }
    if (!response.ok) throw await this.errorAnswer(response);
    this.arm(this.idleMs);
    return response;
  }

  /** Reads a JSON body (non-streaming answers); a body that is not JSON is a protocol error. */
  async json(response: Response): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw this.failure(err, 'protocol', 'the AI provider cut its answer short');
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new ProviderError('protocol', 'the AI provider answered invalid JSON', { cause: err });
    }
  }

  /** The server-sent events of the body, in order; throws `protocol` when the stream stops mid-event. */
  async *events(response: Response): AsyncGenerator<SseEvent> {
    if (!response.body) throw new ProviderError('protocol', 'the AI provider answered without a body');
    const reader = response.body.getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw this.failure(err, 'protocol', 'the AI provider cut the stream short');
        }
        if (chunk.done) break;
        this.arm(this.idleMs);
        yield* parser.push(chunk.value);
      }
      if (!parser.finish().clean) throw new ProviderError('protocol', 'the AI provider cut the stream in the middle of an event');
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  /** Parses one event's JSON data; invalid JSON is a protocol error. */
  parseData(event: SseEvent): unknown {
    try {
      return JSON.parse(event.data) as unknown;
    } catch (err) {
      throw new ProviderError('protocol', 'the AI provider streamed invalid JSON', { cause: err });
    }
  }

  /** Removes the key, and anything shaped like a key, from text that came from upstream. */
  redact(text: string): string {
    let out = this.secret ? text.split(this.secret).join('[redacted]') : text;
    out = out.replace(KEY_LIKE, '[redacted]');
    return out.length > MAX_ERROR_MESSAGE_CHARS ? `${out.slice(0, MAX_ERROR_MESSAGE_CHARS)}…` : out;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.controller.abort();
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, ms);
  }

  /** Names a thrown error by what caused it: the caller's abort, our timeout, or `fallback`. */
  private failure(err: unknown, fallback: ProviderErrorKind, message: string): ProviderError {
    if (err instanceof ProviderError) return err;
    // a connection refused before it was made (a BYOK address that is not public): say why
    if (err instanceof TypeError && err.cause instanceof ProviderError) return err.cause;
    if (this.callerSignal?.aborted) return new ProviderError('aborted', 'the request was aborted', { cause: err });
    if (this.timedOut) return new ProviderError('timeout', 'the AI provider did not answer in time', { cause: err });
    return new ProviderError(fallback, message, { cause: err });
  }

  private async errorAnswer(response: Response): Promise<ProviderError> {
    const status = response.status;
    const retryAfterSeconds = retryAfterOf(response.headers);
    let detail = '';
    try {
      const text = (await response.text()).slice(0, MAX_ERROR_BODY_CHARS);
      detail = upstreamMessage(text);
    } catch {
      // the status says enough
    }
    const suffix = detail ? `: ${this.redact(detail)}` : '';
    if (status === 429) {
      return new ProviderError('rate_limited', `the AI provider is rate limiting (HTTP 429)${suffix}`, { status, retryAfterSeconds });
    }
    if (status === 401 || status === 403) {
      return new ProviderError('auth', `the AI provider refused the API key (HTTP ${status})`, { status });
    }
    return new ProviderError('upstream', `the AI provider answered HTTP ${status}${suffix}`, { status, retryAfterSeconds });
  }
}

/** `error.message` of an OpenAI- or Anthropic-style error body, or the start of the raw text. */
function upstreamMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (body.error && typeof body.error.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, MAX_ERROR_MESSAGE_CHARS);
}

/** Seconds to wait from `retry-after-ms`, `retry-after` (seconds or an HTTP date); undefined when absent. */
export function retryAfterOf(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.max(1, Math.ceil(ms / 1000));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(1, Math.ceil((date - now) / 1000));
  return undefined;
}

/** `base` without trailing slashes, joined with `path`. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
