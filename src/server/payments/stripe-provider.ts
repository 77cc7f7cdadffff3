import Stripe from 'stripe';
import type { Promotion } from './pricing.js';
import type { CheckoutRequest, CheckoutSession, CheckoutState, PaymentProvider } from './provider.js';

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
}
