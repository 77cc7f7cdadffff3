import type Stripe from 'stripe';
import type { Promotion } from './pricing.js';

/** What a purchase asks the gateway for: one line, N × 100 credits, paid once. */
export interface CheckoutRequest {
  purchaseId: string;
  workspaceId: string;
  credits: number;
  /** minor units per 100 credits */
  unitAmount: number;
  currency: string;
  promotion: Promotion | null;
  successUrl: string;
  cancelUrl: string;
  /** this server's own origin, for a gateway that serves its page here */
  serverOrigin: string;
}

export interface CheckoutSession {
  id: string;
  url: string;
  subtotal: number;
  discount: number;
  amount: number;
}

/** A Checkout session as the gateway reports it now (for the success redirect). */
export interface CheckoutState {
  status: 'open' | 'complete' | 'expired';
  paid: boolean;
}

/**
 * A payment gateway. Both implementations complete through Stripe's signed webhook: the
 * gateway's event is verified with the webhook secret before anything is written.
 */
export interface PaymentProvider {
  readonly name: 'stripe' | 'demo';
  /** the active promotion code `code`, or null when there is none */
  findPromotion(code: string): Promise<Promotion | null>;
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** the session's state, or null when the gateway has nothing to add to its webhook */
  retrieveCheckout(sessionId: string): Promise<CheckoutState | null>;
  /** the event, if `signature` (the Stripe-Signature header) signs `payload`; throws otherwise */
  verifyEvent(payload: string, signature: string): Stripe.Event;
}
