import fc from 'fast-check';
import { ROUTES } from '../../../src/server/openapi.js';
import { ADMIN_TOKEN, type Harness } from './harness.js';

export interface FuzzReport {
  cases: number;
  byStatus: Record<string, number>;
  violations: string[];
}

/** A body each route accepts; the fuzzer mutates it or throws it away. */
function validBody(method: string, path: string): unknown {
  const key = `fuzz-${Math.random().toString(36).slice(2, 12)}`;
  switch (`${method} ${path}`) {
    case 'post /estimate':
      return { operation: 'sql_generation', prompt: 'orders per customer' };
    case 'post /holds':
      return { operation: 'sql_generation', credits: 1.5, idempotencyKey: key };
    case 'post /holds/{id}/capture':
      return { credits: 0.5 };
    case 'post /debits':
      return { operation: 'custom_code', credits: 0.25, idempotencyKey: key, description: 'fuzz' };
    case 'post /chat':
      return { operation: 'custom_code', prompt: 'a debounce helper', idempotencyKey: key };
    case 'patch /conversations/{id}':
      return { title: 'fuzzed title' };
    case 'put /conversations/{id}/messages/{messageId}/feedback':
      return { rating: 'up', comment: 'fuzz' };
    case 'put /byok':
      return { provider: 'openai', apiKey: 'sk-fuzz-0123456789', model: 'gpt-4o-mini' };
    case 'post /admin/workspaces':
      return { name: 'fuzzed', timeZone: 'UTC' };
    case 'put /admin/workspaces/{id}/license':
      return { builders: 2, creditsPerBuilder: 50, cycleAnchorDay: 1 };
    case 'post /admin/workspaces/{id}/addons':
      return { credits: 100, reference: key };
    case 'post /admin/workspaces/{id}/tokens':
      return { builder: 'fuzz-builder', ttlSeconds: 600, roles: ['billing'] };
    case 'put /admin/workspaces/{id}/purchase-settings':
      return { whoMayBuy: 'any_builder' };
    case 'post /purchases':
      return { credits: 300, promoCode: 'DEMO10', returnUrl: 'http://localhost/editor' };
    case 'post /demo-checkout/{session}':
      return 'action=cancel';
    case 'put /admin/workspaces/{id}/origins':
      return { origins: ['https://app.example.com', 'https://*.example.com'] };
    case 'put /admin/workspaces/{id}/thresholds':
      return { monthlyPercents: [50, 90, 100], addonBelow: 25, expiringDays: [14, 3] };
    case 'put /admin/workspaces/{id}/builder-limits':
      return { default: { credits: 40, mode: 'alert' } };
    case 'put /admin/workspaces/{id}/builders/{builder}/limit':
      return { credits: 30, mode: 'block' };
    case 'post /admin/workspaces/{id}/webhooks':
      // nothing delivers during a fuzz run (the harness runs no delivery worker)
      return { url: 'http://127.0.0.1:9/hooks', events: ['credits.added', 'builder.limit_reached'] };
    case 'post /v1/chat/completions':
      return {
        model: 'credit-chat-demo-1',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'the weather?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
        max_tokens: 40,
        temperature: 0.5,
        top_p: 0.9,
        stop: ['END'],
        seed: 7,
        presence_penalty: 0.1,
        frequency_penalty: 0.1,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { text: { type: 'string' } } } } },
        tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        tool_choice: 'auto',
        stream: false,
      };
    default:
      return undefined;
  }
}

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e-4, 0.0005, 1.0001, 1e15, 1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const oddString = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 50 }), fc.constantFrom('', ' ', '\u0000', '../../etc/passwd', "'; DROP TABLE grants; --", 'x'.repeat(5000)));

function mutate(body: unknown): fc.Arbitrary<string | undefined> {
  // a form body (the demo checkout page's): sent as it is, or as fuzzed text
  if (typeof body === 'string') return fc.oneof(fc.constant(body), fc.constant('action=pay'), oddString);
  const object = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const fields = Object.keys(object);
  const field = fields.length ? fc.constantFrom(...fields) : fc.constant('x');
  const asJson = (value: unknown) => JSON.stringify(value);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(body === undefined ? undefined : asJson(body)) },
    { weight: 3, arbitrary: fc.tuple(field, fc.oneof(jsonValue, oddNumber, oddString)).map(([f, v]) => asJson({ ...object, [f]: v })) },
    { weight: 2, arbitrary: field.map((f) => asJson(Object.fromEntries(Object.entries(object).filter(([k]) => k !== f)))) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), jsonValue).map(([k, v]) => asJson({ ...object, [k]: v })) },
    { weight: 2, arbitrary: jsonValue.map(asJson) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('{', '{"a":', 'null', '[]', '1e999', '{"credits":1e999}')) },
  );
}

const queryString = fc.oneof(
  fc.constant(''),
  fc.dictionary(
    fc.constantFrom('limit', 'cursor', 'order', 'x', 'credits', 'promoCode', 'from', 'to', 'groupBy', 'status'),
    fc.oneof(oddString, fc.integer().map(String), fc.constantFrom('300', 'DEMO10', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'operation', 'pending')),
    { maxKeys: 4 },
  ).map(
    (params) => '?' + new URLSearchParams(params).toString(),
  ),
);

/** Fuzzed BYOK settings could name a real provider: nothing a fuzz run sends may leave the machine. */
function refuseNonLoopbackFetch(): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new TypeError(`fetch to ${url.host} refused during fuzzing`);
    return original(input, init);
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}

/**
 * Every route: the contract's under /api/v1, and the OpenAI-compatible gateway's at /v1,
 * whose refusals are in OpenAI's shape (`type` and `param` too).
 */
const FUZZED_ROUTES = [
  ...ROUTES.map((route) => ({ method: route.method, path: route.path, base: '/api/v1', openAi: false })),
  ...(['get /v1/models', 'get /v1/models/{id}', 'post /v1/chat/completions'] as const).map((route) => {
    const [method, path] = route.split(' ') as [string, string];
    return { method, path, base: '', openAi: true };
  }),
];

/** Sends `cases` fuzzed requests across every route; every answer must be a 2xx or a well-formed 4xx. */
export async function fuzzApi(h: Harness, options: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, byStatus: {}, violations: [] };
  const restoreFetch = refuseNonLoopbackFetch();
  try {
    await fuzzRoutes(h, options, report);
  } finally {
    restoreFetch();
  }
  return report;
}

/**
 * The ids the fuzzer puts in paths besides fuzzed ones: a hold, the workspace, a purchase and its
 * demo Checkout session; and in a second parameter, a builder and a webhook endpoint.
 */
export interface FuzzOptions {
  cases: number;
  seed: number;
  token: string;
  workspaceId: string;
  holdId: string;
  purchaseId?: string;
  sessionId?: string;
  builder?: string;
  hookId?: string;
}

async function fuzzRoutes(h: Harness, options: FuzzOptions, report: FuzzReport): Promise<void> {
  const route = fc.constantFrom(...FUZZED_ROUTES);
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${options.token}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${ADMIN_TOKEN}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', `Bearer ${options.token}x`, `bearer ${options.token}`)) },
  );
  const known = [options.holdId, options.workspaceId, options.purchaseId, options.sessionId].filter((id): id is string => id !== undefined);
  const pathId = fc.oneof(fc.constantFrom(...known, 'missing', 'hold_0'), oddString.map(encodeURIComponent));
  const knownSecond = [options.builder, options.hookId].filter((id): id is string => id !== undefined);
  const secondId = fc.oneof(fc.constantFrom(...knownSecond, 'missing', 'builder-9'), oddString.map(encodeURIComponent));
  const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined);

  await fc.assert(
    fc.asyncProperty(
      route.chain((r) => fc.record({ route: fc.constant(r), body: mutate(validBody(r.method, r.path)) })),
      authorization,
      fc.tuple(pathId, secondId),
      queryString,
      contentType,
      async ({ route: r, body }, auth, [id, second], query, type) => {
        const path = r.path.replace(/\{(id|session)\}/, id).replace(/\{(builder|hookId)\}/, second);
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers.authorization = auth;
        if (type) headers['content-type'] = type;
        let response: Response;
        try {
          const method = r.method.toUpperCase();
          const sendsBody = method !== 'GET' && method !== 'HEAD';
          response = await h.app.request(`${r.base}${path}${query}`, { method, headers, body: sendsBody ? (body ?? undefined) : undefined });
        } catch (err) {
          report.violations.push(`${r.method} ${path}: threw ${String(err)}`);
          return;
        }
        report.cases++;
        report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
        const text = await response.text();
        if (response.status >= 500) report.violations.push(`${r.method.toUpperCase()} ${path}${query} answered ${response.status}: ${text.slice(0, 200)}`);
        if (response.status >= 400) {
          let error: { code?: unknown; message?: unknown; type?: unknown; param?: unknown } | undefined;
          try {
            error = (JSON.parse(text) as { error?: typeof error }).error;
          } catch {
            error = undefined;
          }
          if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || !error.message) {
            report.violations.push(`${r.method.toUpperCase()} ${path}: ${response.status} without a code and a message: ${text.slice(0, 200)}`);
          } else if (r.openAi && (typeof error.type !== 'string' || !('param' in error))) {
            report.violations.push(`${r.method.toUpperCase()} ${path}: ${response.status} not in OpenAI's error shape: ${text.slice(0, 200)}`);
          }
        }
      },
    ),
    { numRuns: options.cases, seed: options.seed },
  );
}
