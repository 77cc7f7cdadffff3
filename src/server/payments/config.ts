import { randomBytes } from 'node:crypto';
import type { Clock } from '../ledger/ledger.js';
import type { Store } from '../store/store.js';
import { DemoGateway } from './demo-gateway.js';
import { parseMajorAmount } from './pricing.js';
import type { PaymentProvider } from './provider.js';
import { Purchases } from './purchases.js';
import { StripeProvider, type StripeSettings } from './stripe-provider.js';

/** How credits are sold: the gateway and the price. */
export interface PaymentsConfig {
  /** Stripe Checkout; without it, the offline demo gateway */
  stripe?: StripeSettings;
  /** the demo gateway's webhook secret (default: STRIPE_WEBHOOK_SECRET, or a random one per process) */
  demoWebhookSecret?: string;
  /** minor units per 100 credits */
  pricePer100: number;
  currency: string;
  maxCredits: number;
}

function whole(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100 || n % 100 !== 0) throw new Error(`${name} must be a multiple of 100, not ${JSON.stringify(value)}`);
  return n;
}

/**
 * STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE; CREDIT_CHAT_PRICE_PER_100 (in
 * the currency's major unit, default 10), CREDIT_CHAT_CURRENCY (default usd),
 * CREDIT_CHAT_MAX_PURCHASE (credits, default 100000).
 */
export function paymentsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  const currency = (env.CREDIT_CHAT_CURRENCY || 'usd').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw new Error(`CREDIT_CHAT_CURRENCY must be a three-letter ISO currency code, not ${JSON.stringify(env.CREDIT_CHAT_CURRENCY)}`);
  const config: PaymentsConfig = {
    pricePer100: parseMajorAmount(env.CREDIT_CHAT_PRICE_PER_100 || '10', currency, 'CREDIT_CHAT_PRICE_PER_100'),
    currency,
    maxCredits: whole(env.CREDIT_CHAT_MAX_PURCHASE, 100_000, 'CREDIT_CHAT_MAX_PURCHASE'),
  };
  if (env.STRIPE_SECRET_KEY) {
    if (!env.STRIPE_WEBHOOK_SECRET) throw new Error('STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: webhooks could not be verified');
    if (env.STRIPE_API_BASE && !/^https?:\/\/[^/]+\/?$/.test(env.STRIPE_API_BASE)) {
      throw new Error(`STRIPE_API_BASE must be an origin such as http://127.0.0.1:12111, not ${JSON.stringify(env.STRIPE_API_BASE)}`);
    }
    config.stripe = { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET, apiBase: env.STRIPE_API_BASE || undefined };
  } else if (env.STRIPE_WEBHOOK_SECRET) {
    config.demoWebhookSecret = env.STRIPE_WEBHOOK_SECRET;
  }
  return config;
}

/** The purchases service for a config: Stripe when configured, else the demo gateway. */
export function createPurchases(store: Store, clock: Clock, config: PaymentsConfig): Purchases {
  const provider: PaymentProvider = config.stripe
    ? new StripeProvider(config.stripe)
    : new DemoGateway(config.demoWebhookSecret ?? `whsec_demo_${randomBytes(24).toString('hex')}`);
  return new Purchases(store, provider, { pricePer100: config.pricePer100, currency: config.currency, maxCredits: config.maxCredits }, clock);
}
