import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { PaymentsConfig } from '../../src/server/payments/config.js';

/**
 * A fake Stripe API on 127.0.0.1 that speaks Stripe's wire protocol: form-encoded requests
 * with bracket notation (`line_items[0][price_data][currency]=usd`), Bearer secret keys,
 * Idempotency-Key replays, errors as `{ error: { type, message, param } }`, and the object
 * shapes of checkout sessions, promotion codes, coupons, lists and events. Only what
 * credit-chat calls: POST/GET /v1/checkout/sessions (payment and setup mode), GET
 * /v1/promotion_codes, POST /v1/customers, GET /v1/setup_intents/:id, POST /v1/payment_intents
 * (off-session, confirmed at once; a card saved as declining answers 402 card_error
 * card_declined with the failed PaymentIntent, as Stripe does).
 *
 * Tests drive what a customer would do (`pay`, `expire`) and get the events Stripe would
 * send, signed with the stripe package's own test-signature helper (`signed`).
 */

type Json = Record<string, any>;

/** Parses Stripe's form encoding (`a[b][0][c]=v`) into nested objects and arrays. */
export function parseStripeForm(text: string): Json {
  const root: Json = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Json = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= {};
    });
  }
  const arrays = (value: unknown): unknown => {
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Json).map(([k, v]) => [k, arrays(v)] as const);
    if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
      return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
    }
    return Object.fromEntries(entries);
  };
  return arrays(root) as Json;
}

function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

class StripeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string,
    readonly type = 'invalid_request_error',
    readonly extra: Json = {},
  ) {
    super(message);
  }
}

export interface RecordedStripeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  params: Json;
}

export class FakeStripe {
  readonly secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  readonly webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  readonly requests: RecordedStripeRequest[] = [];
  readonly sessions = new Map<string, Json>();
  private readonly promotionCodes: Json[] = [];
  private readonly idempotent = new Map<string, { status: number; body: Json }>();
  readonly customers = new Map<string, Json>();
  readonly setupIntents = new Map<string, Json>();
  readonly paymentMethods = new Map<string, Json & { declines: boolean }>();
  readonly paymentIntents = new Map<string, Json>();
  /**
   * How many PaymentIntents to make and then lose the answer of (the connection is cut after
   * Stripe charged): the client must ask again with the same Idempotency-Key.
   */
  dropPaymentIntentAnswers = 0;
  private now = Math.floor(Date.now() / 1000);

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeStripe> {
    const server = createServer();
    const fake = new FakeStripe(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The server's payments configuration that talks to this fake: 10.00 per 100 credits, USD. */
  paymentsConfig(): PaymentsConfig {
    return {
      stripe: { secretKey: this.secretKey, webhookSecret: this.webhookSecret, apiBase: this.origin },
      pricePer100: 1000,
      currency: 'usd',
      maxCredits: 10_000,
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** An active promotion code with its coupon: a percentage or an amount off. */
  addPromotionCode(code: string, off: { percentOff: number } | { amountOff: number; currency: string }, active = true): Json {
    const coupon = {
      id: stripeId('co'),
      object: 'coupon',
      amount_off: 'amountOff' in off ? off.amountOff : null,
      created: this.now,
      currency: 'amountOff' in off ? off.currency : null,
      duration: 'once',
      duration_in_months: null,
      livemode: false,
      max_redemptions: null,
      metadata: {},
      name: code,
      percent_off: 'percentOff' in off ? off.percentOff : null,
      redeem_by: null,
      times_redeemed: 0,
      valid: true,
    };
    const promotion = {
      id: stripeId('promo'),
      object: 'promotion_code',
      active,
      code,
      created: this.now,
      customer: null,
      customer_account: null,
      expires_at: null,
      livemode: false,
      max_redemptions: null,
      metadata: {},
      promotion: { coupon, type: 'coupon' },
      restrictions: { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null },
      times_redeemed: 0,
    };
    this.promotionCodes.push(promotion);
    return promotion;
  }

  /** The customer pays: a card pays at once; an asynchronous method (`async`) completes unpaid and pays later. */
  pay(sessionId: string, { async = false } = {}): Json {
    const session = this.session(sessionId);
    session.status = 'complete';
    session.payment_status = async ? 'unpaid' : 'paid';
    if (!async) session.payment_intent = stripeId('pi');
    return this.event('checkout.session.completed', session);
  }

  /**
   * The customer completes a setup-mode session: a card saved for off-session use (`declines`:
   * a card whose charges Stripe declines, like the test card pm_card_chargeDeclined).
   */
  completeSetup(sessionId: string, { declines = false } = {}): Json {
    const session = this.session(sessionId);
    if (session.mode !== 'setup') throw new Error(`session ${sessionId} is not in setup mode`);
    const method = {
      id: stripeId('pm'),
      object: 'payment_method',
      billing_details: { address: null, email: null, name: null, phone: null },
      card: { brand: 'visa', country: 'US', exp_month: 12, exp_year: 2030, funding: 'credit', last4: declines ? '0341' : '4242' },
      created: this.now,
      customer: session.customer,
      livemode: false,
      metadata: {},
      type: 'card',
      declines,
    };
    this.paymentMethods.set(method.id, method);
    const intent = this.setupIntents.get(session.setup_intent)!;
    Object.assign(intent, { status: 'succeeded', payment_method: method.id });
    session.status = 'complete';
    session.payment_status = 'no_payment_required';
    return this.event('checkout.session.completed', session);
  }

  /** The asynchronous payment succeeds or fails. */
  settleAsync(sessionId: string, succeeded: boolean): Json {
    const session = this.session(sessionId);
    session.payment_status = succeeded ? 'paid' : 'unpaid';
    if (succeeded) session.payment_intent = stripeId('pi');
    return this.event(succeeded ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed', session);
  }

  /** The session expires unpaid. */
  expire(sessionId: string): Json {
    const session = this.session(sessionId);
    session.status = 'expired';
    session.url = null;
    return this.event('checkout.session.expired', session);
  }

  /** An event as Stripe sends it, with a snapshot of the object. */
  event(type: string, object: Json): Json {
    return {
      id: stripeId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: this.now,
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
  }

  /** The event's payload and Stripe-Signature header, signed by the stripe package's test helper. */
  signed(event: Json, options: { secret?: string; timestamp?: number } = {}): { payload: string; signature: string } {
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? this.webhookSecret,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    });
    return { payload, signature };
  }

  session(id: string): Json {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`no session ${id}`);
    return session;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.origin);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const params = parseStripeForm(req.method === 'GET' ? url.search.slice(1) : Buffer.concat(chunks).toString('utf8'));
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers, params });
    const send = (status: number, body: Json) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': stripeId('req') });
      res.end(JSON.stringify(body));
    };
    try {
      if (headers.authorization !== `Bearer ${this.secretKey}`) {
        throw new StripeError(401, 'Invalid API Key provided', undefined, 'invalid_request_error');
      }
      if (req.method === 'POST' && headers['content-type']?.startsWith('application/x-www-form-urlencoded') !== true) {
        throw new StripeError(400, 'Invalid request: expected application/x-www-form-urlencoded');
      }
      const key = req.method === 'POST' ? headers['idempotency-key'] : undefined;
      const replay = key ? this.idempotent.get(key) : undefined;
      const answer = replay ?? { status: 200, body: this.route(req.method ?? 'GET', url.pathname, params) };
      if (key && !replay) this.idempotent.set(key, answer);
      if (req.method === 'POST' && url.pathname === '/v1/payment_intents' && this.dropPaymentIntentAnswers > 0) {
        this.dropPaymentIntentAnswers--;
        return void res.socket?.destroy();
      }
      send(answer.status, answer.body);
    } catch (err) {
      if (err instanceof StripeError) {
        const body = { error: { type: err.type, message: err.message, ...(err.param ? { param: err.param } : {}), ...err.extra } };
        // Stripe keeps the answer of a request that failed after it started (a decline) under its key too
        const key = req.method === 'POST' ? headers['idempotency-key'] : undefined;
        if (key && err.type === 'card_error') this.idempotent.set(key, { status: err.status, body });
        send(err.status, body);
      } else {
        send(500, { error: { type: 'api_error', message: err instanceof Error ? err.message : 'error' } });
      }
    }
  }

  private route(method: string, path: string, params: Json): Json {
    if (method === 'POST' && path === '/v1/checkout/sessions') return this.createSession(params);
    const retrieve = /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)$/.exec(path);
    if (method === 'GET' && retrieve) {
      const session = this.sessions.get(retrieve[1]!);
      if (!session) throw new StripeError(404, `No such checkout.session: '${retrieve[1]}'`, 'session');
      return session;
    }
    if (method === 'GET' && path === '/v1/promotion_codes') return this.listPromotionCodes(params);
    if (method === 'POST' && path === '/v1/customers') return this.createCustomer(params);
    const setupIntent = /^\/v1\/setup_intents\/([A-Za-z0-9_]+)$/.exec(path);
    if (method === 'GET' && setupIntent) {
      const intent = this.setupIntents.get(setupIntent[1]!);
      if (!intent) throw new StripeError(404, `No such setupintent: '${setupIntent[1]}'`, 'intent');
      return intent;
    }
    if (method === 'POST' && path === '/v1/payment_intents') return this.createPaymentIntent(params);
    throw new StripeError(404, `Unrecognized request URL (${method}: ${path}).`);
  }

  private listPromotionCodes(params: Json): Json {
    const expand: string[] = Array.isArray(params.expand) ? params.expand : [];
    let data = this.promotionCodes.filter(
      (p) => (params.code === undefined || p.code === params.code) && (params.active === undefined || String(p.active) === params.active),
    );
    data = data.slice(0, Number(params.limit ?? 10)).map((p) => {
      const copy = structuredClone(p);
      // without expand, Stripe answers the coupon's id only
      if (!expand.includes('data.promotion.coupon')) copy.promotion.coupon = copy.promotion.coupon.id;
      return copy;
    });
    return { object: 'list', data, has_more: false, url: '/v1/promotion_codes' };
  }

  private createCustomer(params: Json): Json {
    const customer = {
      id: stripeId('cus'),
      object: 'customer',
      address: null,
      balance: 0,
      created: this.now,
      currency: null,
      default_source: null,
      delinquent: false,
      description: params.description ?? null,
      email: params.email ?? null,
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: params.metadata ?? {},
      name: params.name ?? null,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  /** Off-session and confirmed at once: succeeded, or 402 card_declined with the failed intent. */
  private createPaymentIntent(params: Json): Json {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1) throw new StripeError(400, 'Invalid integer', 'amount');
    if (!params.currency) throw new StripeError(400, 'Missing required param: currency.', 'currency');
    const method = this.paymentMethods.get(params.payment_method);
    if (!method) throw new StripeError(400, `No such PaymentMethod: '${params.payment_method}'`, 'payment_method');
    if (params.customer !== method.customer) {
      throw new StripeError(400, `The provided PaymentMethod was previously used with a different Customer.`, 'payment_method');
    }
    if (params.confirm !== 'true' || params.off_session !== 'true') throw new StripeError(400, 'expected confirm and off_session', 'confirm');
    const intent: Json = {
      id: stripeId('pi'),
      object: 'payment_intent',
      amount,
      amount_received: method.declines ? 0 : amount,
      capture_method: 'automatic_async',
      client_secret: null,
      confirmation_method: 'automatic',
      created: this.now,
      currency: params.currency,
      customer: params.customer,
      description: params.description ?? null,
      last_payment_error: null,
      latest_charge: method.declines ? null : stripeId('ch'),
      livemode: false,
      metadata: params.metadata ?? {},
      payment_method: method.id,
      payment_method_types: ['card'],
      status: method.declines ? 'requires_payment_method' : 'succeeded',
    };
    intent.client_secret = `${intent.id}_secret_${randomBytes(8).toString('hex')}`;
    this.paymentIntents.set(intent.id, intent);
    if (method.declines) {
      const error = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', type: 'card_error' };
      intent.last_payment_error = { ...error, payment_method: method };
      throw new StripeError(402, error.message, undefined, 'card_error', {
        code: 'card_declined',
        decline_code: 'generic_decline',
        payment_intent: intent,
        payment_method: method,
        request_log_url: `https://dashboard.stripe.com/test/logs/${stripeId('req')}`,
      });
    }
    return intent;
  }

  private createSession(params: Json): Json {
    if (params.mode === 'setup') return this.createSetupSession(params);
    if (params.mode !== 'payment') throw new StripeError(400, 'Missing required param: mode.', 'mode');
    if (!params.success_url) throw new StripeError(400, 'Missing required param: success_url.', 'success_url');
    const items: Json[] = Array.isArray(params.line_items) ? params.line_items : [];
    if (items.length === 0) throw new StripeError(400, 'Missing required param: line_items.', 'line_items');
    let subtotal = 0;
    let currency: string | undefined;
    items.forEach((item, i) => {
      const quantity = Number(item.quantity);
      const unit = Number(item.price_data?.unit_amount);
      if (!Number.isInteger(quantity) || quantity < 1) throw new StripeError(400, 'Invalid integer', `line_items[${i}][quantity]`);
      if (!Number.isInteger(unit) || unit < 0) throw new StripeError(400, 'Invalid integer', `line_items[${i}][price_data][unit_amount]`);
      if (!item.price_data?.product_data?.name) throw new StripeError(400, 'Missing required param', `line_items[${i}][price_data][product_data][name]`);
      currency = item.price_data.currency;
      subtotal += quantity * unit;
    });
    let discount = 0;
    const discounts: Json[] = [];
    for (const [i, d] of (Array.isArray(params.discounts) ? params.discounts : []).entries()) {
      const promotion = this.promotionCodes.find((p) => p.id === d.promotion_code && p.active);
      if (!promotion) throw new StripeError(400, `No such promotion code: '${d.promotion_code}'`, `discounts[${i}][promotion_code]`);
      const coupon = promotion.promotion.coupon;
      discount += coupon.percent_off != null ? Math.round((subtotal * coupon.percent_off) / 100) : Math.min(coupon.amount_off, subtotal);
      discounts.push({ coupon: null, promotion_code: promotion.id });
    }
    const id = `cs_test_${randomBytes(24).toString('hex')}`;
    const session = {
      id,
      object: 'checkout.session',
      after_expiration: null,
      allow_promotion_codes: params.allow_promotion_codes === 'true' ? true : null,
      amount_subtotal: subtotal,
      amount_total: subtotal - discount,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: null,
      cancel_url: params.cancel_url ?? null,
      client_reference_id: params.client_reference_id ?? null,
      client_secret: null,
      consent: null,
      created: this.now,
      currency,
      customer: null,
      customer_creation: 'if_required',
      customer_details: null,
      customer_email: null,
      discounts,
      expires_at: this.now + 86_400,
      invoice: null,
      livemode: false,
      locale: null,
      metadata: params.metadata ?? {},
      mode: 'payment',
      payment_intent: null,
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      success_url: params.success_url,
      total_details: { amount_discount: discount, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted',
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    this.sessions.set(id, session);
    return session;
  }

  /** Checkout in setup mode: a SetupIntent for the customer, completed by completeSetup. */
  private createSetupSession(params: Json): Json {
    if (!params.success_url) throw new StripeError(400, 'Missing required param: success_url.', 'success_url');
    if (!params.currency) throw new StripeError(400, 'Missing required param: currency.', 'currency');
    if (params.customer && !this.customers.has(params.customer)) throw new StripeError(400, `No such customer: '${params.customer}'`, 'customer');
    const intent = {
      id: stripeId('seti'),
      object: 'setup_intent',
      created: this.now,
      customer: params.customer ?? null,
      livemode: false,
      metadata: params.setup_intent_data?.metadata ?? {},
      payment_method: null,
      payment_method_types: ['card'],
      status: 'requires_payment_method',
      usage: 'off_session',
    };
    this.setupIntents.set(intent.id, intent);
    const id = `cs_test_${randomBytes(24).toString('hex')}`;
    const session = {
      id,
      object: 'checkout.session',
      amount_subtotal: null,
      amount_total: null,
      cancel_url: params.cancel_url ?? null,
      client_reference_id: params.client_reference_id ?? null,
      created: this.now,
      currency: params.currency,
      customer: params.customer ?? null,
      expires_at: this.now + 86_400,
      livemode: false,
      metadata: params.metadata ?? {},
      mode: 'setup',
      payment_intent: null,
      payment_method_types: ['card'],
      payment_status: 'no_payment_required',
      setup_intent: intent.id,
      status: 'open',
      success_url: params.success_url,
      ui_mode: 'hosted',
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    this.sessions.set(id, session);
    return session;
  }
}
