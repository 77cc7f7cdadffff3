import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import Stripe from 'stripe';
import { routePath, type RouteDef } from '../../src/contract/route-def.js';
import * as r from '../../src/contract/routes.js';
import { ROUTES } from '../../src/contract/routes.js';
import { readServerSentEvents } from '../../src/client/sse.js';
import { DEMO_MODEL } from '../../src/server/ai/index.js';
import { createApp } from '../../src/server/http/app.js';
import { openApiDocument } from '../../src/server/openapi.js';
import { ADMIN_TOKEN, Harness } from './support/harness.js';
import { STORES } from './support/stores.js';

type Json = Record<string, any>;

const AI = {
  provider: { provider: 'demo' as const },
  providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } },
  secret: 'contract-test-secret-0123456789abcdef',
};
/** Purchases through the offline demo gateway, its webhook secret known to sign events with. */
const WEBHOOK_SECRET = 'whsec_contract_0123456789abcdef';
const PAYMENTS = { pricePer100: 1000, currency: 'usd', maxCredits: 10_000, demoWebhookSecret: WEBHOOK_SECRET };

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(openApiDocument() as never);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 3000));
  });

  it('has every route of the table, with its operationId, security and every status it declares', () => {
    const doc = openApiDocument() as Json;
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['adminToken', 'builderToken']);
    const ids = new Set<string>();
    for (const route of ROUTES as readonly RouteDef[]) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${route.path} is not in the document`);
      assert.equal(op.operationId, route.id);
      assert.ok(!ids.has(route.id), `${route.id} twice`);
      ids.add(route.id);
      assert.deepEqual(Object.keys(op.responses).map(Number), Object.keys(route.answers).map(Number), route.id);
      assert.equal(op.security.length, route.auth === 'none' ? 0 : 1, route.id);
    }
    // schemas are inline: no reference can point where a document has nothing
    assert.ok(!JSON.stringify(doc).includes('"$ref"'));
  });

  it('says 201 where the server creates, and documents the gateway with its streamed answer and OpenAI-shaped errors', () => {
    const doc = openApiDocument() as Json;
    for (const [path, method] of [
      ['/api/v1/holds', 'post'],
      ['/api/v1/debits', 'post'],
      ['/api/v1/admin/workspaces', 'post'],
      ['/api/v1/admin/workspaces/{id}/addons', 'post'],
      ['/api/v1/admin/workspaces/{id}/tokens', 'post'],
      ['/api/v1/admin/workspaces/{id}/webhooks', 'post'],
    ] as const) {
      assert.deepEqual(Object.keys(doc.paths[path][method].responses).filter((s) => s < '300'), ['201'], path);
    }
    const gateway = doc.paths['/v1/chat/completions'].post;
    assert.ok(gateway.responses['200'].content['text/event-stream']);
    assert.ok(gateway.responses['200'].content['application/json']);
    assert.deepEqual(gateway.responses['402'].content['application/json'].schema.properties.error.required.sort(), ['code', 'message', 'param', 'type']);
    assert.ok(doc.paths['/api/v1/chat'].post.responses['200'].content['text/event-stream']['x-events'].settled);
  });
});

describe('the routes Hono registers are the routes of the table', () => {
  it('has every table route registered and no registered route outside the table (method + path)', async () => {
    const h = await Harness.open(STORES[0]!, { ai: AI, payments: PAYMENTS });
    try {
      const registered = new Set(h.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path.replace(/:(\w+)\{[^}]*\}/g, ':$1')}`));
      const declared = new Set((ROUTES as readonly RouteDef[]).map((route) => `${route.method} ${route.path.replace(/\{(\w+)\}/g, ':$1')}`));
      assert.deepEqual([...registered].filter((route) => !declared.has(route)), [], 'registered but not in src/contract/routes.ts');
      assert.deepEqual([...declared].filter((route) => !registered.has(route)), [], 'in the table but not registered');
    } finally {
      await h.close();
    }
  });
});

/** Checks answers against the document: the status is documented, the body matches its schema. */
class DocumentCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly compiled = new Map<object, ValidateFunction>();
  readonly seen = new Map<string, Set<number>>();
  private readonly doc = openApiDocument() as Json;

  constructor() {
    addFormats.default(this.ajv);
  }

  private validator(schema: object): ValidateFunction {
    let fn = this.compiled.get(schema);
    if (!fn) this.compiled.set(schema, (fn = this.ajv.compile(schema)));
    return fn;
  }

  private assertValid(schema: object, value: unknown, where: string): void {
    const validate = this.validator(schema);
    assert.ok(validate(value), `${where}: ${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(value).slice(0, 500)}`);
  }

  /** Reads the answer whole and checks it; answers the parsed JSON body or the stream's events. */
  async check(route: RouteDef, response: Response, expected: number): Promise<any> {
    const where = `${route.method} ${route.path} -> ${response.status}`;
    const text = await response.text();
    assert.equal(response.status, expected, `${where}: expected ${expected}; ${text.slice(0, 300)}`);
    const documented = this.doc.paths[route.path][route.method.toLowerCase()].responses[String(response.status)];
    assert.ok(documented, `${where} is not in the document`);
    if (!documented.content) {
      // a redirect: no body, and the headers the document names (Location)
      assert.equal(text, '', `${where}: a body where the document says none`);
      for (const header of Object.keys(documented.headers ?? {})) assert.ok(response.headers.has(header), `${where}: no ${header} header`);
      this.saw(route, response.status);
      return undefined;
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const content = documented.content[type];
    assert.ok(content, `${where}: ${type} is not documented`);
    let result: unknown;
    if (type === 'text/event-stream') {
      const events: { event: string; data: unknown }[] = [];
      const stream = new Response(text).body!;
      for await (const message of readServerSentEvents(stream)) {
        if (message.data === '[DONE]') continue;
        const schema = content['x-events'][message.event];
        assert.ok(schema, `${where}: event ${message.event} is not documented`);
        const data = JSON.parse(message.data) as unknown;
        this.assertValid(schema, data, `${where} event ${message.event}`);
        events.push({ event: message.event, data });
      }
      assert.ok(events.length > 0, `${where}: no events`);
      result = events;
    } else if (type !== 'application/json') {
      result = text; // a text body (text/csv): its content type is what the document says
    } else {
      result = JSON.parse(text);
      this.assertValid(content.schema, result, where);
    }
    this.saw(route, response.status);
    return result;
  }

  private saw(route: RouteDef, status: number): void {
    const statuses = this.seen.get(route.id) ?? new Set();
    statuses.add(status);
    this.seen.set(route.id, statuses);
  }
}

describe('every route answers as the document says', () => {
  let h: Harness;
  let limited: ReturnType<typeof createApp>;
  const doc = new DocumentCheck();
  let token: string;
  let emptyToken: string;

  before(async () => {
    h = await Harness.open(STORES[0]!, { ai: AI, payments: PAYMENTS });
    // the same ledger and AI behind an app with a limit of one request at a time, to provoke 429
    limited = createApp({ ledger: h.ledger, adminToken: ADMIN_TOKEN, ai: h.ai, rateLimit: { perMinute: 1, burst: 1 } });
    const w = await h.workspace({ builders: 1, creditsPerBuilder: 100, addon: 100 });
    token = w.token;
    emptyToken = (await h.workspace({ builders: 1, license: false })).token;
  });
  after(() => h.close());

  /** One request to a route; the answer is checked against the document and returned. */
  async function call(
    route: RouteDef,
    expected: number,
    options: {
      token?: string | null;
      params?: Record<string, string>;
      body?: unknown;
      raw?: string;
      form?: Record<string, string>;
      query?: string;
      headers?: Record<string, string>;
      app?: typeof limited;
    } = {},
  ): Promise<any> {
    const headers: Record<string, string> = { ...options.headers };
    const bearer = options.token === undefined ? (route.auth === 'admin' ? ADMIN_TOKEN : route.auth === 'builder' ? token : null) : options.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const url = routePath(route, options.params) + (options.query ?? '');
    const response = await (options.app ?? h.app).request(url, { method: route.method, headers, body });
    return doc.check(route, response, expected);
  }
  const key = () => `contract-${randomUUID()}`;
  const big = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
  const gone = { id: 'no_such_id' };

  it('the catalog and the document', async () => {
    await call(r.listOperations, 200, { token: null });
    await call(r.getOpenApiDocument, 200, { token: null });
  });

  it('the admin routes: created, invalid, unauthenticated, forbidden, too large, unknown workspace', async () => {
    const created = await call(r.createWorkspace, 201, { body: { name: 'contract' } });
    await call(r.createWorkspace, 400, { body: { name: '' } });
    await call(r.createWorkspace, 401, { token: null, body: { name: 'x' } });
    await call(r.createWorkspace, 403, { token, body: { name: 'x' } });
    await call(r.createWorkspace, 413, { raw: big });
    const params = { id: created.id as string };
    const license = { builders: 1, creditsPerBuilder: 10, cycleAnchorDay: 1 };
    await call(r.setLicense, 200, { params, body: license });
    await call(r.setLicense, 400, { params, body: { ...license, builders: 0 } });
    await call(r.setLicense, 401, { token: null, params, body: license });
    await call(r.setLicense, 403, { token, params, body: license });
    await call(r.setLicense, 404, { params: gone, body: license });
    await call(r.setLicense, 413, { params, raw: big });
    await call(r.grantAddon, 201, { params, body: { credits: 100, reference: key() } });
    await call(r.grantAddon, 400, { params, body: { credits: 150, reference: key() } });
    await call(r.grantAddon, 401, { token: null, params, body: { credits: 100, reference: key() } });
    await call(r.grantAddon, 403, { token, params, body: { credits: 100, reference: key() } });
    await call(r.grantAddon, 404, { params: gone, body: { credits: 100, reference: key() } });
    await call(r.grantAddon, 413, { params, raw: big });
    await call(r.issueToken, 201, { params, body: { builder: 'someone' } });
    await call(r.issueToken, 400, { params, body: { builder: 'no spaces' } });
    await call(r.issueToken, 401, { token: null, params, body: { builder: 'x' } });
    await call(r.issueToken, 403, { token, params, body: { builder: 'x' } });
    await call(r.issueToken, 404, { params: gone, body: { builder: 'x' } });
    await call(r.issueToken, 413, { params, raw: big });
    const minted = await call(r.issueToken, 201, { params, body: { builder: 'someone', ttlSeconds: 60, roles: ['billing'] } });
    assert.deepEqual(minted.roles, ['billing']);
    await call(r.issueToken, 400, { params, body: { builder: 'someone', ttlSeconds: 0 } });
    const origins = { origins: ['https://app.example.com', 'https://*.example.com'] };
    await call(r.setOrigins, 200, { params, body: origins });
    await call(r.setOrigins, 400, { params, body: { origins: ['https://app.example.com/path'] } });
    await call(r.setOrigins, 401, { token: null, params, body: origins });
    await call(r.setOrigins, 403, { token, params, body: origins });
    await call(r.setOrigins, 404, { params: gone, body: origins });
    await call(r.setOrigins, 413, { params, raw: big });
    // the workspace's browser requests from elsewhere: 403 origin_not_allowed; an expired token: 401 token_expired
    const own = await call(r.issueToken, 201, { params, body: { builder: 'browser', ttlSeconds: 1 } });
    await call(r.getBalance, 403, { token: own.token, headers: { origin: 'https://evil.test' } });
    h.clock.advance(1000);
    const expired = await call(r.getBalance, 401, { token: own.token });
    assert.equal(expired.error.code, 'token_expired');
  });

  it('the ledger routes: success and each refusal', async () => {
    await call(r.getBalance, 200);
    await call(r.getBalance, 401, { token: null });
    await call(r.getBalance, 403, { token: ADMIN_TOKEN });
    // a limit of one a minute: the first call passes, the next is refused
    await call(r.getBalance, 200, { app: limited });
    await call(r.getBalance, 429, { app: limited });

    const holdKey = key();
    const hold = await call(r.createHold, 201, { body: { operation: 'sql_generation', credits: 2, idempotencyKey: holdKey } });
    await call(r.createHold, 400, { body: { operation: 'sql_generation', credits: 0.0001, idempotencyKey: key() } });
    await call(r.createHold, 401, { token: null, body: {} });
    await call(r.createHold, 402, { body: { operation: 'sql_generation', credits: 100_000, idempotencyKey: key() } });
    await call(r.createHold, 403, { token: ADMIN_TOKEN, body: {} });
    await call(r.createHold, 413, { raw: big });
    await call(r.createHold, 422, { body: { operation: 'sql_generation', credits: 3, idempotencyKey: holdKey } });
    await call(r.captureHold, 200, { params: { id: hold.id }, body: { credits: 1 } });
    await call(r.captureHold, 400, { params: { id: hold.id }, body: { credits: 'one' } });
    await call(r.captureHold, 404, { params: gone, body: { credits: 1 } });
    await call(r.captureHold, 409, { params: { id: hold.id }, body: { credits: 1 } });
    await call(r.captureHold, 413, { params: { id: hold.id }, raw: big });
    const other = await call(r.createHold, 201, { body: { operation: 'custom_code', credits: 1, idempotencyKey: key() } });
    await call(r.voidHold, 200, { params: { id: other.id } });
    await call(r.voidHold, 404, { params: gone });
    await call(r.voidHold, 409, { params: { id: other.id } });

    const debitKey = key();
    await call(r.debit, 201, { body: { operation: 'custom_code', credits: 0.5, idempotencyKey: debitKey } });
    await call(r.debit, 400, { body: { operation: 'nope', credits: 1, idempotencyKey: key() } });
    await call(r.debit, 402, { token: emptyToken, body: { operation: 'custom_code', credits: 1, idempotencyKey: key() } });
    await call(r.debit, 413, { raw: big });
    await call(r.debit, 422, { body: { operation: 'custom_code', credits: 0.75, idempotencyKey: debitKey } });

    const usage = await call(r.listUsage, 200, { query: '?limit=1' });
    assert.equal(usage.entries.length, 1);
    await call(r.listUsage, 400, { query: '?limit=0' });
  });

  it('the AI routes: estimate, a streamed chat, conversations', async () => {
    await call(r.estimate, 200, { body: { operation: 'sql_generation', prompt: 'orders per customer' } });
    await call(r.estimate, 400, { body: { operation: 'sql_generation' } });
    await call(r.estimate, 404, { body: { operation: 'sql_generation', prompt: 'x', conversationId: 'no_such_conversation' } });
    await call(r.estimate, 413, { raw: big });

    const chatKey = key();
    const events = await call(r.chat, 200, { body: { operation: 'sql_generation', prompt: 'orders per customer', idempotencyKey: chatKey } });
    assert.deepEqual([events[0].event, events.at(-1).event], ['reserved', 'settled']);
    const conversationId = events[0].data.conversationId as string;
    await call(r.chat, 400, { body: { operation: 'sql_generation', prompt: '', idempotencyKey: key() } });
    await call(r.chat, 402, { token: emptyToken, body: { operation: 'sql_generation', prompt: 'x', idempotencyKey: key() } });
    await call(r.chat, 404, { body: { operation: 'sql_generation', prompt: 'x', conversationId: 'no_such_conversation', idempotencyKey: key() } });
    await call(r.chat, 413, { raw: big });
    await call(r.chat, 422, { body: { operation: 'custom_code', prompt: 'something else', idempotencyKey: chatKey } });
    // a builder that spent its one request a minute on the limited app
    const limitedToken = (await h.workspace({ builders: 1, creditsPerBuilder: 10 })).token;
    await call(r.listConversations, 200, { app: limited, token: limitedToken });
    await call(r.chat, 429, { app: limited, token: limitedToken, body: { operation: 'sql_generation', prompt: 'x', idempotencyKey: key() } });

    await call(r.listConversations, 200);
    await call(r.getConversation, 200, { params: { id: conversationId } });
    await call(r.getConversation, 404, { params: gone });
    const conversation = await call(r.getConversation, 200, { params: { id: conversationId } });
    const answerId = conversation.messages[1].id as string;
    const feedback = { rating: 'up', comment: 'right join' };
    await call(r.putFeedback, 200, { params: { id: conversationId, messageId: answerId }, body: feedback });
    await call(r.putFeedback, 400, { params: { id: conversationId, messageId: answerId }, body: { rating: 'sideways' } });
    await call(r.putFeedback, 401, { token: null, params: { id: conversationId, messageId: answerId }, body: feedback });
    await call(r.putFeedback, 403, { token: ADMIN_TOKEN, params: { id: conversationId, messageId: answerId }, body: feedback });
    await call(r.putFeedback, 404, { params: { id: conversationId, messageId: 'no_such_message' }, body: feedback });
    await call(r.putFeedback, 413, { params: { id: conversationId, messageId: answerId }, raw: big });
    const regenerated = await call(r.chat, 200, { body: { operation: 'sql_generation', conversationId, regenerateOf: answerId, idempotencyKey: key() } });
    assert.equal(regenerated.at(-1).event, 'settled');
    const versions = await call(r.getConversation, 200, { params: { id: conversationId } });
    assert.equal(versions.messages[1].versions.length, 2);
    await call(r.updateConversation, 200, { params: { id: conversationId }, body: { title: 'Orders per customer', activeMessageId: answerId } });
    await call(r.updateConversation, 400, { params: { id: conversationId }, body: { title: '' } });
    await call(r.updateConversation, 404, { params: gone, body: { title: 'x' } });
    await call(r.updateConversation, 413, { params: { id: conversationId }, raw: big });
    await call(r.deleteConversation, 200, { params: { id: conversationId } });
    await call(r.deleteConversation, 404, { params: { id: conversationId } });
    await call(r.deleteConversation, 401, { token: null, params: { id: conversationId } });
  });

  it('the BYOK routes', async () => {
    await call(r.getByok, 200);
    await call(r.putByok, 200, { body: { provider: 'openai', apiKey: 'sk-contract-0123456789' } });
    await call(r.putByok, 400, { body: { provider: 'openai', apiKey: 'short' } });
    await call(r.putByok, 413, { raw: big });
    await call(r.deleteByok, 200);
  });

  it('the gateway: a completion, a streamed completion, and OpenAI-shaped errors', async () => {
    const messages = [{ role: 'user', content: 'orders per customer' }];
    const gatewayKey = key();
    await call(r.createChatCompletion, 200, { body: { model: DEMO_MODEL, messages }, headers: { 'idempotency-key': gatewayKey } });
    await call(r.createChatCompletion, 200, { body: { model: DEMO_MODEL, messages, stream: true, stream_options: { include_usage: true } } });
    await call(r.createChatCompletion, 400, { body: { model: DEMO_MODEL, messages: [] } });
    await call(r.createChatCompletion, 404, { body: { model: 'no-such-model', messages } });
    await call(r.createChatCompletion, 401, { token: null, body: { messages } });
    await call(r.createChatCompletion, 402, { token: emptyToken, body: { messages } });
    await call(r.createChatCompletion, 403, { token: ADMIN_TOKEN, body: { messages } });
    await call(r.createChatCompletion, 413, { raw: JSON.stringify({ messages, padding: 'x'.repeat(1100 * 1024) }) });
    await call(r.createChatCompletion, 422, { body: { messages: [{ role: 'user', content: 'other' }] }, headers: { 'idempotency-key': gatewayKey } });
  });

  it("the gateway's models", async () => {
    const list = await call(r.listModels, 200);
    assert.ok(list.data.some((m: { id: string }) => m.id === DEMO_MODEL));
    await call(r.listModels, 401, { token: null });
    await call(r.retrieveModel, 200, { params: { model: DEMO_MODEL } });
    await call(r.retrieveModel, 404, { params: { model: 'no-such-model' } });
  });

  /** A 400 that names the field. */
  async function refused(route: RouteDef, field: string, options: Parameters<typeof call>[2]) {
    const answer = await call(route, 400, options);
    assert.equal(answer.error.field, field, `${route.id}: ${JSON.stringify(answer)}`);
  }

  it('the purchase routes: quote, buy, list, follow; who may buy', async () => {
    await call(r.quotePurchase, 200, { query: '?credits=300&promoCode=DEMO10' });
    await refused(r.quotePurchase, 'credits', { query: '?credits=150' });
    await refused(r.quotePurchase, 'promoCode', { query: '?credits=300&promoCode=NOPE' });
    await call(r.quotePurchase, 401, { token: null, query: '?credits=300' });
    await call(r.quotePurchase, 403, { token: ADMIN_TOKEN, query: '?credits=300' });

    const purchase = await call(r.createPurchase, 201, { body: { credits: 300, returnUrl: 'http://localhost/editor' } });
    await refused(r.createPurchase, 'credits', { body: { credits: 150 } });
    await refused(r.createPurchase, 'returnUrl', { body: { credits: 300, returnUrl: 'https://evil.example/' } });
    await call(r.createPurchase, 401, { token: null, body: { credits: 300 } });
    await call(r.createPurchase, 403, { token: ADMIN_TOKEN, body: { credits: 300 } });
    await call(r.createPurchase, 413, { raw: big });

    await call(r.listPurchases, 200);
    await call(r.listPurchases, 401, { token: null });
    await call(r.getPurchase, 200, { params: { id: purchase.id } });
    await call(r.getPurchase, 404, { params: gone });
    await call(r.getPurchase, 404, { params: { id: purchase.id }, token: emptyToken });

    // who may buy: the billing role only, then a builder without it is forbidden
    const w = await h.workspace({ builders: 1 });
    const params = { id: w.id };
    assert.deepEqual(await call(r.setPurchaseSettings, 200, { params, body: { whoMayBuy: 'billing_role' } }), { whoMayBuy: 'billing_role' });
    await call(r.createPurchase, 403, { token: w.token, body: { credits: 300 } });
    await refused(r.setPurchaseSettings, 'whoMayBuy', { params, body: { whoMayBuy: 'everyone' } });
    await call(r.setPurchaseSettings, 401, { token: null, params, body: { whoMayBuy: 'any_builder' } });
    await call(r.setPurchaseSettings, 403, { token, params, body: { whoMayBuy: 'any_builder' } });
    await call(r.setPurchaseSettings, 404, { params: gone, body: { whoMayBuy: 'any_builder' } });
    await call(r.setPurchaseSettings, 413, { params, raw: big });
  });

  it("the demo gateway's page and the payment webhook", async () => {
    const purchase = await call(r.createPurchase, 201, { body: { credits: 100, returnUrl: 'http://localhost/editor' } });
    const session = { session: new URL(purchase.checkoutUrl).pathname.split('/').pop()! };
    assert.match(await call(r.showDemoCheckout, 200, { params: session }), /Demo checkout/);
    await call(r.showDemoCheckout, 404, { params: { session: 'cs_demo_00000000000000000000000000000000' } });
    await call(r.showDemoCheckout, 404, { params: { session: 'no_such_session' } });
    await refused(r.submitDemoCheckout, 'action', { params: session, form: { action: 'steal' } });
    await call(r.submitDemoCheckout, 404, { params: { session: 'no_such_session' }, form: { action: 'pay' } });
    await call(r.submitDemoCheckout, 303, { params: session, form: { action: 'pay' } });
    assert.equal((await call(r.getPurchase, 200, { params: { id: purchase.id } })).status, 'paid');

    const payload = JSON.stringify({ id: `evt_${randomUUID()}`, object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const receipt = await call(r.receiveStripeWebhook, 200, { raw: payload, headers: { 'stripe-signature': signature } });
    assert.deepEqual(receipt, { received: true, ignored: 'customer.created' });
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' });
    await refused(r.receiveStripeWebhook, 'Stripe-Signature', { raw: payload, headers: { 'stripe-signature': forged } });
    await refused(r.receiveStripeWebhook, 'Stripe-Signature', { raw: payload });
    await call(r.receiveStripeWebhook, 413, { raw: big, headers: { 'stripe-signature': signature } });
  });

  it('the transparency API: usage summary, usage CSV, license', async () => {
    const range = '?from=2026-11-01T00:00:00.000Z&to=2026-12-01T00:00:00.000Z';
    const summary = await call(r.getUsageSummary, 200, { query: `${range}&groupBy=operation` });
    assert.equal(summary.groupBy, 'operation');
    await refused(r.getUsageSummary, 'to', { query: '?from=2026-12-01T00:00:00.000Z&to=2026-11-01T00:00:00.000Z' });
    await refused(r.getUsageSummary, 'groupBy', { query: `${range}&groupBy=month` });
    await call(r.getUsageSummary, 401, { token: null, query: range });
    await call(r.getUsageSummary, 403, { token: ADMIN_TOKEN, query: range });
    const csv: string = await call(r.getUsageCsv, 200, { query: range });
    assert.match(csv, /^receipt_id,time,operation/);
    await refused(r.getUsageCsv, 'from', { query: '?from=yesterday&to=2026-12-01T00:00:00.000Z' });
    await call(r.getUsageCsv, 401, { token: null, query: range });
    await call(r.getLicense, 200);
    await call(r.getLicense, 404, { token: emptyToken });
    await call(r.getLicense, 401, { token: null });
    await call(r.getLicense, 403, { token: ADMIN_TOKEN });
  });

  it('the spend controls: thresholds, builder limits (shown in the balance), webhook endpoints and their deliveries', async () => {
    const w = await h.workspace({ builders: 1, creditsPerBuilder: 100 });
    const params = { id: w.id };
    const builder = { id: w.id, builder: 'builder-1' };
    const admin = async (route: RouteDef, p: Record<string, string>, body?: unknown) => {
      await call(route, 401, { token: null, params: p, body });
      await call(route, 403, { token: w.token, params: p, body });
    };

    const thresholds = { monthlyPercents: [50, 100], addonBelow: 10, expiringDays: [7] };
    await call(r.getThresholds, 200, { params });
    await call(r.getThresholds, 404, { params: gone });
    await admin(r.getThresholds, params);
    const set = await call(r.setThresholds, 200, { params, body: thresholds });
    assert.deepEqual(set.monthlyPercents, [50, 100]);
    await refused(r.setThresholds, 'monthlyPercents', { params, body: { monthlyPercents: [50, 50] } });
    await refused(r.setThresholds, 'addonBelow', { params, body: { addonBelow: 0 } });
    await call(r.setThresholds, 404, { params: gone, body: thresholds });
    await call(r.setThresholds, 413, { params, raw: big });
    await admin(r.setThresholds, params, thresholds);

    const limit = { credits: 20, mode: 'block' };
    await call(r.getBuilderLimits, 200, { params });
    await call(r.getBuilderLimits, 404, { params: gone });
    await admin(r.getBuilderLimits, params);
    const limits = await call(r.setBuilderLimits, 200, { params, body: { default: { credits: 50, mode: 'alert' } } });
    assert.deepEqual(limits.default, { credits: 50, mode: 'alert' });
    await refused(r.setBuilderLimits, 'default.mode', { params, body: { default: { credits: 50, mode: 'never' } } });
    await call(r.setBuilderLimits, 404, { params: gone, body: { default: null } });
    await call(r.setBuilderLimits, 413, { params, raw: big });
    await admin(r.setBuilderLimits, params, { default: null });

    const own = await call(r.setBuilderLimit, 200, { params: builder, body: limit });
    assert.deepEqual(own.limit, { ...limit, source: 'override' });
    await refused(r.setBuilderLimit, 'credits', { params: builder, body: { ...limit, credits: -1 } });
    await call(r.setBuilderLimit, 404, { params: { ...gone, builder: 'builder-1' }, body: limit });
    const badBuilder = await call(r.setBuilderLimit, 404, { params: { ...params, builder: 'no spaces' }, body: limit });
    assert.equal(badBuilder.error.message, 'builder not found');
    await call(r.setBuilderLimit, 413, { params: builder, raw: big });
    await admin(r.setBuilderLimit, builder, limit);
    // the builder sees its own limit in its balance
    const balance = await call(r.getBalance, 200, { token: w.token });
    assert.deepEqual(balance.builderLimit, { credits: 20, used: 0, mode: 'block' });
    await call(r.removeBuilderLimit, 200, { params: builder });
    await call(r.removeBuilderLimit, 404, { params: builder });
    await call(r.removeBuilderLimit, 404, { params: { ...params, builder: 'no spaces' } });
    await admin(r.removeBuilderLimit, builder);

    const endpoint = { url: 'https://hooks.example.com/credit-chat', events: ['credits.added', 'credits.depleted'] };
    const hook = await call(r.createWebhook, 201, { params, body: endpoint });
    assert.match(hook.secret, /^whsec_/);
    await refused(r.createWebhook, 'url', { params, body: { url: 'ftp://hooks.example.com/' } });
    await refused(r.createWebhook, 'events', { params, body: { ...endpoint, events: [] } });
    await call(r.createWebhook, 404, { params: gone, body: endpoint });
    await call(r.createWebhook, 413, { params, raw: big });
    await admin(r.createWebhook, params, endpoint);
    const listed = await call(r.listWebhooks, 200, { params });
    assert.deepEqual(listed.webhooks.map((e: { id: string }) => e.id), [hook.id]);
    assert.ok(!JSON.stringify(listed).includes(hook.secret), 'the list shows a secret');
    await call(r.listWebhooks, 404, { params: gone });
    await admin(r.listWebhooks, params);

    const hookParams = { id: w.id, hookId: hook.id as string };
    const missingHook = { id: w.id, hookId: 'no_such_hook' };
    await call(r.listWebhookDeliveries, 200, { params: hookParams, query: '?limit=10&status=pending' });
    await refused(r.listWebhookDeliveries, 'limit', { params: hookParams, query: '?limit=0' });
    await refused(r.listWebhookDeliveries, 'cursor', { params: hookParams, query: '?cursor=nope' });
    await call(r.listWebhookDeliveries, 404, { params: missingHook });
    await admin(r.listWebhookDeliveries, hookParams);
    const rotated = await call(r.rotateWebhookSecret, 200, { params: hookParams });
    assert.notEqual(rotated.secret, hook.secret);
    assert.ok(rotated.previousSecretExpiresAt);
    await call(r.rotateWebhookSecret, 404, { params: missingHook });
    await admin(r.rotateWebhookSecret, hookParams);
    await admin(r.deleteWebhook, hookParams);
    await call(r.deleteWebhook, 200, { params: hookParams });
    await call(r.deleteWebhook, 404, { params: hookParams });
    const badHook = await call(r.deleteWebhook, 404, { params: { id: w.id, hookId: 'no such hook' } });
    assert.equal(badHook.error.message, 'webhook not found');
  });

  it('auto top-up: the admin setting and the saved payment method', async () => {
    const w = await h.workspace({ builders: 1 });
    const params = { id: w.id };
    const setting = { enabled: true, threshold: 20, credits: 300, maxPerCycle: 2 };
    assert.equal((await call(r.getAutoTopUp, 200, { params })).enabled, false);
    await call(r.getAutoTopUp, 401, { token: null, params });
    await call(r.getAutoTopUp, 403, { token: w.token, params });
    await call(r.getAutoTopUp, 404, { params: gone });
    assert.equal((await call(r.setAutoTopUp, 200, { params, body: setting })).enabled, true);
    await refused(r.setAutoTopUp, 'credits', { params, body: { ...setting, credits: 150 } });
    await call(r.setAutoTopUp, 401, { token: null, params, body: setting });
    await call(r.setAutoTopUp, 403, { token: w.token, params, body: setting });
    await call(r.setAutoTopUp, 404, { params: gone, body: setting });
    await call(r.setAutoTopUp, 413, { params, raw: big });
    // the demo gateway saves its demo card at once
    assert.equal((await call(r.setupAutoTopUp, 201, { token: w.token, body: { returnUrl: 'http://localhost/editor' } })).saved, true);
    assert.deepEqual((await call(r.getAutoTopUp, 200, { params })).paymentMethod, { provider: 'demo', id: 'pm_demo_card_visa' });
    await refused(r.setupAutoTopUp, 'returnUrl', { token: w.token, body: { returnUrl: 'https://evil.example/' } });
    await call(r.setupAutoTopUp, 401, { token: null, body: {} });
    await call(r.setupAutoTopUp, 403, { token: ADMIN_TOKEN, body: {} });
    await call(r.setupAutoTopUp, 413, { token: w.token, raw: big });
    await call(r.setPurchaseSettings, 200, { params, body: { whoMayBuy: 'billing_role' } });
    await call(r.setupAutoTopUp, 403, { token: w.token, body: {} });
  });

  it('builder limits as a builder reads them', async () => {
    assert.deepEqual((await call(r.listBuilderLimits, 200)).default, null);
    await call(r.listBuilderLimits, 401, { token: null });
    await call(r.listBuilderLimits, 403, { token: ADMIN_TOKEN });
  });

  it('called every route, each with its success status', () => {
    for (const route of ROUTES as readonly RouteDef[]) {
      const success = Number(Object.keys(route.answers).find((s) => Number(s) < 400));
      assert.ok(doc.seen.get(route.id)?.has(success), `${route.id} was not called with success (${success})`);
    }
  });
});
