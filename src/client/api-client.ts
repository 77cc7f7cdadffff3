import * as z from 'zod/mini';
// Schemas come from the contract's own modules, not its index, so the bundle carries only the
// ones the elements parse.
import { CHAT_EVENTS } from '../contract/chat.js';
import { ERROR_STATUS, ErrorBody } from '../contract/errors.js';
// Routes come from their area of the table, not from routes.ts, so the bundle carries only these
// (and of them only the properties read here).
import { API_BASE } from '../contract/route-def.js';
import { chatCall, estimateCall } from '../contract/routes-chat.js';
import { getBalanceCall, listOperationsCall } from '../contract/routes-ledger.js';
import type { ChatError, ChatEvent, ChatRequest, ChatReserved, EstimateRequest, Receipt } from '../contract/index.js';
import { readServerSentEvents, type ServerSentEvent } from './sse.js';
import { TokenKeeper, type TokenAnswer } from './token-keeper.js';

type Schema<T> = z.ZodMiniType<T>;


/**
 * An error answer of the API (`code` and `status` as the contract names them, the rest of the
 * error body in `details`), or a failure to reach it (`status` 0, code `network`), or a chat
 * stream that ended early (`stream_interrupted`) or answered an `error` event.
 */
export class CreditApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CreditApiError';
  }

  /** Seconds to wait before trying again (429), when the server said. */
  get retryAfter(): number | undefined {
    const value = this.details.retryAfter;
    return typeof value === 'number' && value > 0 ? value : undefined;
  }
}

/** True for the error of a request the caller aborted (Stop). */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface ApiClientOptions {
  apiBase: string;
  /** the token for each request (a bare client: nothing waits for it; the elements pass `tokens`) */
  getToken?: () => TokenAnswer | Promise<TokenAnswer>;
  /** the element's token keeper: requests wait for a token, and one 401 `token_expired` renews it and retries */
  tokens?: TokenKeeper;
  fetch?: typeof fetch;
  /** Tells apart API users on one API base in query keys (e.g. a hash of the token); '' when there is one. */
  identity?: string;
}

export interface ChatStreamOptions {
  signal?: AbortSignal;
  /** Called with every event, in order, as it arrives. */
  onEvent?: (event: ChatEvent) => void;
}

/** What a chat call ends with when the server settles the answer. */
export interface ChatOutcome {
  reserved: ChatReserved | undefined;
  text: string;
  receipt: Receipt;
}

/**
 * The typed client of what the elements call in HTTP contract v1 (operations, balance, estimate,
 * chat); every answer is parsed with the contract's schema. `CreditLedgerClient` adds the rest.
 */
export class CreditApiClient {
  readonly apiBase: string;
  /** apiBase and identity: the part of every query key that says whose data it is. */
  readonly scope: string;
  private readonly tokens: TokenKeeper | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.scope = `${this.apiBase}|${options.identity ?? ''}`;
    const { getToken } = options;
    const provider = getToken && (() => getToken());
    this.tokens = options.tokens ?? (provider ? new TokenKeeper(() => ({ getToken: provider })) : undefined);
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  operations(signal?: AbortSignal) {
    return this.request(listOperationsCall.method, relative(listOperationsCall.path), listOperationsCall.answers[200], undefined, signal);
  }

  balance(signal?: AbortSignal) {
    return this.request(getBalanceCall.method, relative(getBalanceCall.path), getBalanceCall.answers[200], undefined, signal);
  }

  estimate(body: EstimateRequest, signal?: AbortSignal) {
    return this.request(estimateCall.method, relative(estimateCall.path), estimateCall.answers[200], body, signal);
  }

  /**
   * `POST /chat`, read as it streams: each event is parsed with its contract schema and passed
   * to `onEvent`. Resolves with the receipt of `settled`; rejects with a CreditApiError for an
   * `error` event (its `charged`, `receipt` and `retryAfter` in `details`), for an error answer
   * before the stream (402, 429, ...), and with `stream_interrupted` when the stream ends or
   * breaks before it settles. Aborting `signal` rejects with the AbortError.
   */
  async chat(body: ChatRequest, { signal, onEvent }: ChatStreamOptions = {}): Promise<ChatOutcome> {
    const response = await this.sendChat(body, signal);
    if (!response.body) throw new CreditApiError(response.status, 'invalid_response', '/chat answered no stream');
    let reserved: ChatReserved | undefined;
    let text = '';
    try {
      for await (const message of readServerSentEvents(response.body)) {
        // Events already read from the network are dropped once the caller stops.
        signal?.throwIfAborted();
        const event = parseChatEvent(message);
        if (!event) continue;
        onEvent?.(event);
        if (event.event === 'reserved') {
          reserved = event.data;
          this.tokens?.noteStarter(reserved.conversationId, this.lastToken);
        }
        else if (event.event === 'delta') text += event.data.text;
        else if (event.event === 'settled') return { reserved, text, receipt: event.data.receipt };
        else throw chatFailure(event.data);
      }
    } catch (err) {
      if (err instanceof CreditApiError || signal?.aborted) throw err;
      throw interrupted(reserved);
    }
    throw interrupted(reserved);
  }

  async request<T>(method: string, path: string, schema: Schema<T>, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.send(method, path, body, signal);
    const json: unknown = await response.json().catch(() => {
      throw new CreditApiError(response.status, 'invalid_response', `${path} did not answer JSON`);
    });
    const parsed = z.safeParse(schema, json);
    if (!parsed.success) {
      throw new CreditApiError(response.status, 'invalid_response', `${path} answered an unexpected shape`);
    }
    return parsed.data;
  }

  private lastToken: string | null = null;

  /**
   * `POST /chat`, in a new conversation when the one named was started by another builder
   * (the host switched builders through `getToken`): by the builder the token names when the
   * host said, else by a 404 for a conversation started with another token.
   */
  private async sendChat(body: ChatRequest, signal: AbortSignal | undefined): Promise<Response> {
    const send = (request: ChatRequest) => this.send(chatCall.method, relative(chatCall.path), request, signal, 'text/event-stream');
    const started = body.conversationId === undefined ? undefined : this.tokens?.starterOf(body.conversationId);
    if (!started || body.regenerateOf !== undefined || body.editOf !== undefined) return send(body);
    // a request in a new conversation is another request: it gets its own idempotency key
    const { conversationId: _dropped, ...rest } = body;
    const fresh: ChatRequest = { ...rest, idempotencyKey: `${body.idempotencyKey.slice(0, 120)}-new` };
    if (this.tokens) await this.tokens.token();
    const identity = this.tokens?.identity ?? null;
    if (started.identity !== null && identity !== null && started.identity !== identity) return send(fresh);
    try {
      return await send(body);
    } catch (err) {
      const otherToken = started.token !== null && this.lastToken !== started.token;
      if (err instanceof CreditApiError && err.status === 404 && otherToken && started.identity === null) return send(fresh);
      throw err;
    }
  }

  /**
   * Sends a request and throws a CreditApiError for any non-2xx answer. With a token keeper, it
   * waits for a token, and after a 401 `token_expired` asks for a new one and sends once more.
   */
  async send(method: string, path: string, body?: unknown, signal?: AbortSignal, accept = 'application/json'): Promise<Response> {
    const anonymous = path === relative(listOperationsCall.path);
    let token = anonymous || !this.tokens ? null : await this.tokens.token();
    if (!anonymous && this.tokens && !token) {
      throw new CreditApiError(401, 'unauthorized', 'No token: getToken answered none, so nothing was sent.');
    }
    for (let attempt = 0; ; attempt++) {
      const response = await this.sendOnce(method, path, token, body, signal, accept);
      if (response.ok) return response;
      const error = await errorFrom(response);
      if (error.code === 'token_expired' && attempt === 0 && token && this.tokens) {
        const renewed = await this.tokens.renew(token);
        if (renewed && renewed !== token) {
          token = renewed;
          continue;
        }
      }
      throw error;
    }
  }

  private async sendOnce(method: string, path: string, token: string | null, body: unknown, signal: AbortSignal | undefined, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (token) headers.authorization = `Bearer ${token}`;
    this.lastToken = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(this.apiBase + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new CreditApiError(0, 'network', 'The credit service could not be reached.');
    }
    return response;
  }
}

/** A path of the route table below the API base. */
function relative(path: string): string {
  return path.slice(API_BASE.length);
}

/** A chat event checked against its schema; null for event names this version does not know. */
function parseChatEvent(message: ServerSentEvent): ChatEvent | null {
  if (!Object.hasOwn(CHAT_EVENTS, message.event)) return null;
  const name = message.event as keyof typeof CHAT_EVENTS;
  let json: unknown;
  try {
    json = JSON.parse(message.data);
  } catch {
    throw new CreditApiError(200, 'invalid_response', `/chat sent a ${name} event that is not JSON`);
  }
  const parsed = z.safeParse(CHAT_EVENTS[name] as Schema<unknown>, json);
  if (!parsed.success) throw new CreditApiError(200, 'invalid_response', `/chat sent a ${name} event of an unexpected shape`);
  return { event: name, data: parsed.data } as ChatEvent;
}

function chatFailure(data: ChatError): CreditApiError {
  const { code, message, ...details } = data;
  const status = (ERROR_STATUS as Record<string, number>)[code] ?? 502;
  return new CreditApiError(status, code, message, details);
}

function interrupted(reserved: ChatReserved | undefined): CreditApiError {
  return new CreditApiError(0, 'stream_interrupted', 'The connection was lost before the answer finished.', {
    reserved: reserved !== undefined,
  });
}

async function errorFrom(response: Response): Promise<CreditApiError> {
  const json: unknown = await response.json().catch(() => undefined);
  const parsed = z.safeParse(ErrorBody, json);
  if (!parsed.success) {
    return new CreditApiError(response.status, 'http_' + response.status, `The credit service answered ${response.status}.`);
  }
  const { code, message, ...details } = parsed.data.error;
  const retryAfter = Number(response.headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0 && details.retryAfter === undefined) details.retryAfter = retryAfter;
  return new CreditApiError(response.status, code, message, details);
}
