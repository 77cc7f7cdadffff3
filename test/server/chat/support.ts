import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { after, before, beforeEach } from 'node:test';
import { PriceTable } from '../../../src/server/ai/pricing.js';
import { SseParser, type SseEvent } from '../../../src/server/ai/sse.js';
import type { AiOptions } from '../../../src/server/metering/ai-options.js';
import type { StoreKind } from '../support/stores.js';
import { createApp, type AppOptions } from '../../../src/server/http/app.js';
import { ADMIN_TOKEN, Harness } from '../support/harness.js';
import { listen } from '../support/listen.js';
import { startFakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeOpenAI } from '../../support/fake-openai.js';
import type { FakeReply, FakeUpstream } from '../../support/fake-upstream.js';

export const UPSTREAM_KEY = 'sk-server-upstream-key-0123456789abcdef';

/** Both wire formats, each with a model priced like a mid-size model (3 / 15 USD per million tokens). */
export const WIRE_FORMATS = [
  { name: 'OpenAI', provider: 'openai', model: 'gpt-4o-mini', start: () => startFakeOpenAI() },
  { name: 'Anthropic', provider: 'anthropic', model: 'claude-sonnet-4-20250514', start: () => startFakeAnthropic() },
] as const;
export type WireFormat = (typeof WIRE_FORMATS)[number];

export const TEST_PRICES = new PriceTable({ 'gpt-4o-mini': { input: '3', output: '15' } });

/** AI options pointing the server's provider at a fake upstream, with no pacing and short timeouts. */
export function aiOptionsFor(format: WireFormat, fake: FakeUpstream, extra: AiOptions = {}): AiOptions {
  return {
    provider: { provider: format.provider, baseUrl: fake.url, apiKey: UPSTREAM_KEY, model: format.model },
    providerOptions: { timeouts: { firstByteMs: 2_000, idleMs: 2_000 } },
    prices: TEST_PRICES,
    streamStartGraceMs: 500,
    allowPrivateByokUrls: true,
    // every test file shares one PostgreSQL database: estimates from the workspace's own history only
    instanceEstimates: false,
    secret: 'test-secret-0123456789-abcdefghij',
    ...extra,
  };
}

export function demoAiOptions(extra: AiOptions = {}): AiOptions {
  return {
    provider: { provider: 'demo' },
    providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } },
    instanceEstimates: false,
    secret: 'test-secret-0123456789-abcdefghij',
    ...extra,
  };
}

export async function openChatHarness(kind: StoreKind, ai: AiOptions): Promise<Harness> {
  return Harness.open(kind, { ai });
}

/**
 * Registers hooks that start a fake upstream of `format` and a harness on `kind` pointed at it
 * (closed after the suite), and reset the fake to `reply` before each test.
 */
export function useFakeUpstream(kind: StoreKind, format: WireFormat, options: { reply: FakeReply; ai?: AiOptions }) {
  const live: { fake?: FakeUpstream; h?: Harness } = {};
  before(async () => {
    live.fake = await format.start();
    live.h = await openChatHarness(kind, aiOptionsFor(format, live.fake, options.ai));
  });
  after(async () => {
    await live.h?.close();
    await live.fake?.close();
  });
  beforeEach(() => {
    live.fake!.reply(options.reply);
    live.fake!.requests.length = 0;
  });
  return {
    get fake(): FakeUpstream {
      return live.fake!;
    },
    get h(): Harness {
      return live.h!;
    },
  };
}

export function chatKey(): string {
  return `chat-${randomUUID()}`;
}

export interface ChatEventRecord {
  event: string;
  data: any;
}

/** All events of an event stream, parsed, until it ends. */
export async function readEvents(response: Response): Promise<ChatEventRecord[]> {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    events.push(...parser.push(value));
  }
  return events.map((e) => ({ event: e.event, data: e.data === '[DONE]' ? e.data : JSON.parse(e.data) }));
}

/** POST /api/v1/chat; the raw response (a stream, or an error answer). */
export function postChat(h: Harness, token: string, body: Record<string, unknown>, init: RequestInit = {}): Promise<Response> {
  return h.fetch('/api/v1/chat', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

/** A whole chat: its status, its events (or its JSON error) and its headers. */
export async function chat(h: Harness, token: string, body: Record<string, unknown>) {
  const response = await postChat(h, token, body);
  const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const events = isStream ? await readEvents(response) : [];
  const json = isStream ? undefined : await response.json();
  return { status: response.status, headers: response.headers, events, json: json as any, last: events.at(-1) };
}

export function textOf(events: ChatEventRecord[]): string {
  return events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
}

/** The workspace's holds by status, e.g. `{ captured: 2, voided: 1 }`. */
export async function holdStatuses(h: Harness, workspaceId: string): Promise<Record<string, number>> {
  const rows = await h.store.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM holds WHERE workspace_id = $1 GROUP BY status', [workspaceId]);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The books agree and nothing is left pending. */
export async function assertBooksClean(h: Harness, workspaceId: string): Promise<void> {
  await h.ai?.idle();
  const violations = await h.audit(workspaceId);
  if (violations.length) throw new Error(`audit: ${violations.join('; ')}`);
  const totals = await h.totals(workspaceId);
  if (totals.granted !== totals.captured + totals.expired + totals.held + totals.available) throw new Error(`totals do not balance: ${JSON.stringify(totals)}`);
  if (totals.held !== 0) throw new Error(`credits still held: ${totals.held}`);
  const pending = (await holdStatuses(h, workspaceId)).pending ?? 0;
  if (pending !== 0) throw new Error(`${pending} hold(s) still pending`);
}

export async function balanceOf(h: Harness, token: string): Promise<{ total: number; held: number; byok: boolean }> {
  return (await h.request('GET', '/balance', token)).body;
}

export async function until(check: () => boolean | Promise<boolean>, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}


/**
 * `useFakeUpstream` with the app on a real HTTP server, for the clients that need a URL
 * (the gateway's SDK tests); `app` adds options of the app (CORS origins, the gateway's
 * model allow-list) to the harness's.
 */
export function useGatewayServer(kind: StoreKind, format: WireFormat, options: { reply?: FakeReply; ai?: AiOptions; app?: Partial<AppOptions> } = {}) {
  const live = useFakeUpstream(kind, format, { reply: options.reply ?? {}, ai: options.ai });
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  before(async () => {
    const h = live.h;
    server = await listen(options.app ? createApp({ ledger: h.ledger, adminToken: ADMIN_TOKEN, ai: h.ai, ...options.app }) : h.app);
  });
  after(async () => {
    await server?.close();
  });
  return {
    get fake(): FakeUpstream {
      return live.fake;
    },
    get h(): Harness {
      return live.h;
    },
    /** the gateway's base URL, as the OpenAI clients take it */
    get baseURL(): string {
      return `${server!.origin}/v1`;
    },
    get origin(): string {
      return server!.origin;
    },
    /** the official `openai` client on the gateway, with a builder token as its key */
    client(token: string): OpenAI {
      return new OpenAI({ apiKey: token, baseURL: `${server!.origin}/v1`, maxRetries: 0 });
    },
  };
}
