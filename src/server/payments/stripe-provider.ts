import Stripe from 'stripe';
import type { Promotion } from './pricing.js';
import type { ChargeOutcome, ChargeRequest, CheckoutRequest, CheckoutSession, CheckoutState, PaymentProvider, SavedMethod, SetupRequest, SetupSession } from './provider.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** another API origin (tests, proxies), such as http://127.0.0.1:12111 */
  apiBase?: string;
}

/** The Stripe client, pointed at `apiBase` when one is given. */
export function stripeClient(settings: Pick<StripeSettings, 'secretKey' | 'apiBase'>): Stripe {
  if (!settings.apiBase) return new Stripe(settings.secretKey, { maxNetworkRetries: 2 });
  const base = new URL(settings.apiBase);
  return new Stripe(settings.secretKey, {
    host: base.hostname,
    port: base.port || (base.protocol === 'http:' ? 80 : 443),
    protocol: base.protocol === 'http:' ? 'http' : 'https',
    maxNetworkRetries: 2,
  });
}

function couponOf(code: Stripe.PromotionCode): Stripe.Coupon | null {
  const coupon = code.promotion?.coupon;
  return coupon && typeof coupon === 'object' ? coupon : null;
}

/** Stripe Checkout: a one-time payment, promotion codes through Stripe, the purchase id as client_reference_id. */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe';
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    this.stripe = stripeClient(settings);
  }

  async findPromotion(code: string): Promise<Promotion | null> {
    const list = await this.stripe.promotionCodes.list({ code, active: true, limit: 1, expand: ['data.promotion.coupon'] });
    const found = list.data.find((p) => p.code.toLowerCase() === code.toLowerCase() && p.active);
    const coupon = found ? couponOf(found) : null;
    if (!found || !coupon || !coupon.valid) return null;
    return { id: found.id, code: found.code, percentOff: coupon.percent_off, amountOff: coupon.amount_off, currency: coupon.currency };
  }

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: request.purchaseId,
        line_items: [
          {
            quantity: request.credits / 100,
            price_data: {
              currency: request.currency,
              unit_amount: request.unitAmount,
              product_data: { name: '100 AI credits (add-on, valid one year)' },
            },
          },
        ],
        ...(request.promotion ? { discounts: [{ promotion_code: request.promotion.id }] } : {}),
        metadata: { purchase_id: request.purchaseId, workspace_id: request.workspaceId, credits: String(request.credits) },
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
      },
      // a retried create (maxNetworkRetries) makes one session
      { idempotencyKey: `purchase-${request.purchaseId}` },
    );
    if (!session.url) throw new Error('Stripe answered a Checkout session without a url');
    return {
      id: session.id,
      url: session.url,
      subtotal: session.amount_subtotal ?? 0,
      discount: session.total_details?.amount_discount ?? 0,
      amount: session.amount_total ?? 0,
    };
  }

  async retrieveCheckout(sessionId: string): Promise<CheckoutState | null> {
    const session = await this.stripe.checkout.sessions.retrieve(sessionId);
    return {
      status: session.status === 'complete' ? 'complete' : session.status === 'expired' ? 'expired' : 'open',
      paid: session.payment_status === 'paid' || session.payment_status === 'no_payment_required',
    };
  }

  verifyEvent(payload: string, signature: string): Stripe.Event {
    return this.stripe.webhooks.constructEvent(payload, signature, this.settings.webhookSecret);
  }

  /** A customer for the workspace, and Checkout in setup mode that saves its card for off-session use. */
  async createSetup(request: SetupRequest): Promise<SetupSession> {
    const customer = await this.stripe.customers.create({ metadata: { workspace_id: request.workspaceId, builder: request.builder } });
    const session = await this.stripe.checkout.sessions.create({
      mode: 'setup',
      currency: request.currency,
      customer: customer.id,
      client_reference_id: request.workspaceId,
      setup_intent_data: { metadata: { workspace_id: request.workspaceId, builder: request.builder, purpose: 'auto_top_up' } },
      metadata: { workspace_id: request.workspaceId, builder: request.builder, purpose: 'auto_top_up' },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
    });
    if (!session.url) throw new Error('Stripe answered a Checkout session without a url');
    return { url: session.url, saved: null };
  }

  async savedMethodOf(session: Stripe.Checkout.Session): Promise<SavedMethod | null> {
    const intentId = typeof session.setup_intent === 'string' ? session.setup_intent : session.setup_intent?.id;
    if (!intentId) return null;
    const intent = await this.stripe.setupIntents.retrieve(intentId);
    const customer = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
    const method = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method?.id;
    return intent.status === 'succeeded' && customer && method ? { customer, paymentMethod: method } : null;
  }

  async chargeSaved(request: ChargeRequest): Promise<ChargeOutcome> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency,
          customer: request.customer,
          payment_method: request.paymentMethod,
          confirm: true,
          off_session: true,
          description: `${request.credits} AI credits (auto top-up)`,
          metadata: { topup_request: request.key, workspace_id: request.workspaceId, credits: String(request.credits) },
        },
        { idempotencyKey: `topup-${request.key}` },
      );
      if (intent.status === 'succeeded') return { status: 'succeeded', intentId: intent.id };
      return { status: 'declined', intentId: intent.id, error: `payment_intent_${intent.status}` };
    } catch (err) {
      // a card error (declined, authentication required) is Stripe's final answer for this charge
      if (err instanceof Stripe.errors.StripeCardError) {
        return { status: 'declined', intentId: err.payment_intent?.id ?? null, error: err.code ?? 'card_declined' };
      }
      throw err;
    }
  }
}
