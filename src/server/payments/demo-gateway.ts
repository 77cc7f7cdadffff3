import { createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import Stripe from 'stripe';
import { showDemoCheckout, submitDemoCheckout } from '../../contract/routes-purchases.js';
import { ApiError } from '../errors.js';
import { handle } from '../http/route.js';
import { minorUnitDigits, quote, type Promotion } from './pricing.js';
import type { ChargeOutcome, ChargeRequest, CheckoutRequest, CheckoutSession, CheckoutState, PaymentProvider, SavedMethod, SetupRequest, SetupSession } from './provider.js';
import { returnUrlFor, type Purchases } from './purchases.js';

/** The demo gateway's promotion codes. */
export const DEMO_PROMOTIONS: readonly Promotion[] = [
  { id: 'promo_demo10', code: 'DEMO10', percentOff: 10, amountOff: null, currency: null },
  { id: 'promo_halfoff', code: 'HALFOFF', percentOff: 50, amountOff: null, currency: null },
];

/** The demo gateway's saved card for auto top-up, and one that declines (set it with SQL to try a failure). */
export const DEMO_SAVED_CARD = 'pm_demo_card_visa';
export const DEMO_DECLINING_CARD = 'pm_demo_card_declined';

/** Where the demo gateway's page lives, on this server. */
export const DEMO_CHECKOUT_PATH = '/api/v1/demo-checkout';

/**
 * The offline demo gateway, the default of `npm start`: a page on this server that looks like
 * a payment page (amount, promo discount, Pay, Cancel). Pay and Cancel complete as Stripe
 * would: a Checkout session event, signed with the webhook secret by the stripe package's
 * own helper, delivered to the same verification and fulfilment as Stripe's webhook.
 */
export class DemoGateway implements PaymentProvider {
  readonly name = 'demo';

  constructor(readonly webhookSecret: string) {}

  async findPromotion(code: string): Promise<Promotion | null> {
    return DEMO_PROMOTIONS.find((p) => p.code.toLowerCase() === code.toLowerCase()) ?? null;
  }

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const id = `cs_demo_${randomBytes(16).toString('hex')}`;
    const { subtotal, discount, amount } = quote(request.credits, request.unitAmount, request.currency, request.promotion);
    return { id, url: `${request.serverOrigin}${DEMO_CHECKOUT_PATH}/${id}`, subtotal, discount, amount };
  }

  /** The demo's sessions change only through their (synchronous) webhook. */
  async retrieveCheckout(): Promise<CheckoutState | null> {
    return null;
  }

  verifyEvent(payload: string, signature: string): Stripe.Event {
    return Stripe.webhooks.constructEvent(payload, signature, this.webhookSecret);
  }

  /** The demo's saved card: saved at once, no page. */
  async createSetup(request: SetupRequest): Promise<SetupSession> {
    return { url: null, saved: { customer: `cus_demo_${request.workspaceId}`, paymentMethod: DEMO_SAVED_CARD } };
  }

  async savedMethodOf(): Promise<SavedMethod | null> {
    return null;
  }

  /** The demo card always pays; the demo's declining card (DEMO_DECLINING_CARD) never does. */
  async chargeSaved(request: ChargeRequest): Promise<ChargeOutcome> {
    const intentId = `pi_demo_${createHash('sha256').update(request.key).digest('hex').slice(0, 24)}`;
    if (request.paymentMethod === DEMO_DECLINING_CARD) return { status: 'declined', intentId, error: 'card_declined' };
    return { status: 'succeeded', intentId };
  }

  /** A Checkout session event as Stripe sends it, and its Stripe-Signature header. */
  signedEvent(
    type: 'checkout.session.completed' | 'checkout.session.expired',
    purchase: { id: string; credits: number; amount: number; subtotal: number; discount: number; currency: string; workspaceId: string },
    sessionId: string,
  ): { payload: string; signature: string } {
    const created = Math.floor(Date.now() / 1000);
    const paid = type === 'checkout.session.completed';
    const event = {
      id: `evt_demo_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: {
        object: {
          id: sessionId,
          object: 'checkout.session',
          mode: 'payment',
          client_reference_id: purchase.id,
          currency: purchase.currency,
          amount_subtotal: purchase.subtotal,
          amount_total: purchase.amount,
          total_details: { amount_discount: purchase.discount, amount_shipping: 0, amount_tax: 0 },
          metadata: { purchase_id: purchase.id, workspace_id: purchase.workspaceId, credits: String(purchase.credits) },
          payment_status: paid ? 'paid' : 'unpaid',
          status: paid ? 'complete' : 'expired',
          livemode: false,
          url: null,
        },
      },
    };
    const payload = JSON.stringify(event);
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: this.webhookSecret }) };
  }
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1a1d23;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;box-shadow:0 4px 24px #0002;padding:32px;width:min(420px,90vw)}
h1{font-size:1.25rem;margin:0 0 4px}p.note{color:#555;margin:0 0 24px;font-size:.875rem}
dl{display:grid;grid-template-columns:1fr auto;gap:8px 16px;margin:0 0 24px}dt{color:#444}dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
.total{font-weight:700;border-top:1px solid #ddd;padding-top:8px}
form{display:flex;gap:12px}button{flex:1;font:inherit;padding:10px 16px;border-radius:8px;border:1px solid #555;background:#fff;cursor:pointer}
button.pay{background:#3b36c4;border-color:#3b36c4;color:#fff}button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

function money(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits }).format(minor / 10 ** digits);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(body: string, status = 200): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Demo checkout</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`,
    {
      status,
      headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'`,
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      },
    },
  );
}

/** The demo gateway's page: GET shows the purchase, POST pays or cancels it (routes of the table, relative to DEMO_CHECKOUT_PATH). */
export function demoCheckoutPages(purchases: Purchases, gateway: DemoGateway): Hono {
  const app = new Hono();
  const sessionOf = async (id: string) => {
    const purchase = await purchases.bySession(id);
    if (!purchase) throw new ApiError('not_found', 'checkout session not found');
    return purchase;
  };
  handle(app, DEMO_CHECKOUT_PATH, showDemoCheckout, async (_, { params }) => {
    const p = await sessionOf(params.session);
    if (p.status !== 'pending') {
      return page(`<h1>This checkout is ${p.status}</h1><p class="note">Nothing more to pay.</p><p><a href="${escapeHtml(returnUrlFor(p.returnUrl, p.id, 'success'))}">Back</a></p>`);
    }
    return page(
      `<h1>Demo checkout</h1><p class="note">The offline demo gateway: no card, no money. Pay completes through the signed webhook.</p>
<dl><dt>${p.credits.toLocaleString('en-US')} AI credits</dt><dd>${money(p.subtotal, p.currency)}</dd>
${p.discount ? `<dt>Promo ${escapeHtml(p.promoCode ?? '')}</dt><dd>−${money(p.discount, p.currency)}</dd>` : ''}
<dt class="total">Total</dt><dd class="total">${money(p.amount, p.currency)}</dd></dl>
<form method="post"><button class="pay" name="action" value="pay">Pay ${money(p.amount, p.currency)}</button><button name="action" value="cancel">Cancel</button></form>`,
    );
  });
  handle(app, DEMO_CHECKOUT_PATH, submitDemoCheckout, async (c, { params, body }) => {
    const p = await sessionOf(params.session);
    const pay = body.action === 'pay';
    if (p.status === 'pending') {
      const { payload, signature } = gateway.signedEvent(pay ? 'checkout.session.completed' : 'checkout.session.expired', p, params.session);
      await purchases.receive(payload, signature);
    }
    return c.redirect(returnUrlFor(p.returnUrl, p.id, pay ? 'success' : 'cancel'), 303);
  });
  return app;
}
