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

/** Where a builder saves a payment method for auto top-up (Checkout in setup mode). */
export interface SetupRequest {
  workspaceId: string;
  builder: string;
  currency: string;
  successUrl: string;
  cancelUrl: string;
}

/** A saved payment method: the demo gateway saves one at once (`url` is null then). */
export type SetupSession = { url: string; saved: null } | { url: null; saved: SavedMethod };

export interface SavedMethod {
  customer: string;
  paymentMethod: string;
}

/** An off-session charge of a saved method; `key` is its idempotency key (the top-up request's id). */
export interface ChargeRequest extends SavedMethod {
  key: string;
  workspaceId: string;
  credits: number;
  amount: number;
  currency: string;
}

/** A charge's answer; a network failure throws instead (the charge is tried again with the same key). */
export type ChargeOutcome = { status: 'succeeded'; intentId: string } | { status: 'declined'; intentId: string | null; error: string };

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
  /** auto top-up: open a setup session for the saved payment method */
  createSetup(request: SetupRequest): Promise<SetupSession>;
  /** auto top-up: the payment method a completed setup-mode Checkout session saved */
  savedMethodOf(session: Stripe.Checkout.Session): Promise<SavedMethod | null>;
  /** auto top-up: charge the saved method off-session */
  chargeSaved(request: ChargeRequest): Promise<ChargeOutcome>;
}
