import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { countTokens, decodeGenerator, encode } from 'gpt-tokenizer';
import { sampleOf } from './json-sample.js';

/** A request the fake received, as the upstream would see it. */
export interface RecordedRequest {
  method: string;
  /** path and query, e.g. `/v1/chat/completions` */
  path: string;
  /** lower-cased header names */
  headers: Record<string, string>;
  /** the parsed JSON body (undefined when the body was not JSON) */
  body: any;
  rawBody: string;
  /** set when the client hung up before the answer was complete (an abort reached the upstream) */
  disconnected: boolean;
}

/**
 * How a stream goes wrong:
 * - `cut_mid_chunk`: after `cutAfterChunks` deltas, half of the next event, then the response ends
 * - `reset`: after `cutAfterChunks` deltas, the socket is destroyed
 * - `invalid_json`: one event's data is not JSON
 * - `missing_usage`: no usage is reported (OpenAI: no usage chunk; Anthropic: message_delta without usage)
 * - `error_event`: after `cutAfterChunks` deltas, the upstream's mid-stream error event (overloaded)
 */
export type StreamFault = 'cut_mid_chunk' | 'reset' | 'invalid_json' | 'missing_usage' | 'error_event';

/** What the fake answers to one request. Everything is optional. */
export interface FakeReply {
  /** the answer; streamed one token per chunk (default "Hello from the fake upstream.") */
  text?: string;
  /** explicit stream chunks instead of one token each (their concatenation is the answer) */
  chunks?: string[];
  /** reported usage; default: the request's tokens and the streamed tokens, counted with o200k_base */
  usage?: { inputTokens: number; outputTokens: number };
  /** an HTTP error status instead of an answer (429, 500, 401, 529, ...) */
  status?: number;
  /** Retry-After header value for error answers */
  retryAfter?: string;
  /** error message in the error body */
  errorMessage?: string;
  /** wait before sending the response headers */
  firstByteDelayMs?: number;
  /** wait between stream chunks */
  chunkDelayMs?: number;
  fault?: StreamFault;
  /** deltas sent before a `cut_mid_chunk`, `reset` or `error_event` fault; default half of them */
  cutAfterChunks?: number;
  /** the model id the answer names; default the requested model */
  model?: string;
  /** a call of this tool instead of text: its arguments streamed as the answer's tokens */
  toolCall?: { name: string; arguments?: unknown };
}

/**
 * What a request asks for besides free text, as a model that honours it answers: a call of
 * a tool (the one forced, else the first, unless the last turn is a tool's result), or a
 * JSON document (matching the schema when there is one).
 */
export type StructuredAsk = { kind: 'tool'; name: string; schema?: Record<string, unknown> } | { kind: 'json'; schema?: Record<string, unknown> };

/** A reply with defaults filled in and the answer cut into chunks, honoring the request's output limit. */
export interface PlannedReply extends Omit<FakeReply, 'toolCall'> {
  /** the text's tokens, or a tool call's arguments' */
  chunks: string[];
  /** set when the answer is a tool call */
  toolCall?: { id: string; name: string };
  usage: { inputTokens: number; outputTokens: number };
  truncated: boolean;
  model: string;
}

/** One provider's wire format, written by the fakes. */
export interface Dialect {
  /** the path requests go to, e.g. `/v1/chat/completions` */
  readonly path: string;
  /** what the request asks for besides free text (tools, a response format) */
  ask(request: RecordedRequest): StructuredAsk | undefined;
  /** the request's output limit, if any */
  maxTokens(request: RecordedRequest): number | undefined;
  /** text of the whole request, for the default input token count */
  inputText(request: RecordedRequest): string;
  errorBody(status: number, message: string): unknown;
  /** the stream's events in order (`fault` already applied), each a complete SSE event with its blank line */
  streamEvents(request: RecordedRequest, reply: PlannedReply): StreamScript;
  /** the non-streaming JSON answer */
  json(request: RecordedRequest, reply: PlannedReply): unknown;
}

/** The events of a stream: `before` the deltas, one per delta, `after` them. */
export interface StreamScript {
  before: string[];
  deltas: string[];
  after: string[];
  /** the event a mid-stream `error_event` fault sends */
  errorEvent: string;
}

const DEFAULT_TEXT = 'Hello from the fake upstream.';

export function sseEvent(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

function structured(dialect: Dialect, request: RecordedRequest, reply: FakeReply): { text?: string; toolCall?: PlannedReply['toolCall'] } {
  const id = `call_fake_${request.rawBody.length}`;
  if (reply.toolCall) return { text: JSON.stringify(reply.toolCall.arguments ?? {}), toolCall: { id, name: reply.toolCall.name } };
  if (reply.text !== undefined || reply.chunks) return {};
  const ask = dialect.ask(request);
  if (ask?.kind === 'tool') return { text: JSON.stringify(sampleOf(ask.schema ?? { type: 'object', properties: {} })), toolCall: { id, name: ask.name } };
  if (ask?.kind === 'json') return { text: JSON.stringify(ask.schema ? sampleOf(ask.schema) : { answer: DEFAULT_TEXT }) };
  return {};
}

function planReply(dialect: Dialect, request: RecordedRequest, reply: FakeReply): PlannedReply {
  const { text, toolCall } = structured(dialect, request, reply);
  let chunks = reply.chunks ?? [...decodeGenerator(encode(text ?? reply.text ?? DEFAULT_TEXT))];
  const limit = dialect.maxTokens(request);
  const truncated = limit !== undefined && !reply.chunks && chunks.length > limit;
  if (truncated) chunks = chunks.slice(0, limit);
  const usage = reply.usage ?? {
    inputTokens: countTokens(dialect.inputText(request)),
    outputTokens: reply.chunks ? countTokens(chunks.join('')) : chunks.length,
  };
  const model = reply.model ?? (typeof request.body?.model === 'string' ? request.body.model : 'fake-model');
  return { ...reply, chunks, usage, truncated, model, toolCall };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * A real HTTP server on 127.0.0.1 (random port) that speaks one provider's wire format.
 * Give it a default reply with `reply()`, queue one-off replies with `replyOnce()`; every
 * request is recorded in `requests`. Always `close()` it.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private defaultReply: FakeReply | ((request: RecordedRequest) => FakeReply) = {};
  private readonly queue: FakeReply[] = [];
  private server: Server | undefined;
  private base = '';

  constructor(
    private readonly dialect: Dialect,
    /** appended to the origin to make `url`, e.g. `/v1` for OpenAI */
    private readonly basePath: string,
  ) {}

  /** The base URL to configure a provider or client with. */
  get url(): string {
    return this.base + this.basePath;
  }

  /** The last request received. */
  get lastRequest(): RecordedRequest | undefined {
    return this.requests[this.requests.length - 1];
  }

  /** Sets the reply for every request without a queued one. */
  reply(reply: FakeReply | ((request: RecordedRequest) => FakeReply)): this {
    this.defaultReply = reply;
    return this;
  }

  /** Queues replies for the next requests, in order, before the default reply applies again. */
  replyOnce(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = String(value);
    const request: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body, rawBody, disconnected: false };
    this.requests.push(request);
    res.on('close', () => {
      if (!res.writableFinished) request.disconnected = true;
    });

    if (request.method !== 'POST' || request.path.split('?')[0] !== this.dialect.path) {
      this.sendJson(res, 404, this.dialect.errorBody(404, `no route ${request.method} ${request.path}`));
      return;
    }
    const reply = this.queue.shift() ?? (typeof this.defaultReply === 'function' ? this.defaultReply(request) : this.defaultReply);
    if (reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs);
    if (res.destroyed) return;
    if (reply.status && reply.status >= 400) {
      const extra: Record<string, string> = reply.retryAfter ? { 'retry-after': reply.retryAfter } : {};
      this.sendJson(res, reply.status, this.dialect.errorBody(reply.status, reply.errorMessage ?? `fake upstream error ${reply.status}`), extra);
      return;
    }
    const planned = planReply(this.dialect, request, reply);
    if (request.body?.stream !== true) {
      this.sendJson(res, 200, this.dialect.json(request, planned));
      return;
    }
    await this.stream(res, this.dialect.streamEvents(request, planned), planned);
  }

  private async stream(res: ServerResponse, script: StreamScript, reply: PlannedReply): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const cutAt = reply.cutAfterChunks ?? Math.floor(script.deltas.length / 2);
    const interrupted = reply.fault === 'cut_mid_chunk' || reply.fault === 'reset' || reply.fault === 'error_event';
    const events = [...script.before, ...(interrupted ? script.deltas.slice(0, cutAt) : script.deltas)];
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      res.write(events[i]);
      if (reply.chunkDelayMs && i >= script.before.length) await sleep(reply.chunkDelayMs);
    }
    if (res.destroyed) return;
    if (reply.fault === 'cut_mid_chunk') {
      const next = script.deltas[cutAt] ?? script.after[0] ?? sseEvent({});
      res.end(next.slice(0, Math.max(1, Math.floor(next.length / 2))));
      return;
    }
    if (reply.fault === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (reply.fault === 'error_event') {
      res.end(script.errorEvent);
      return;
    }
    for (const event of script.after) res.write(event);
    res.end();
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}
