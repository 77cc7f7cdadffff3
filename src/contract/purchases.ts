import * as z from 'zod/mini';
import { Credits, IsoDateTime } from './credits.js';

/**
 * Buying add-on credits. Money travels in the currency's minor unit (cents for usd), as
 * whole numbers, the way Stripe counts it; credits in whole hundreds.
 */
export const PURCHASE_STEP = 100;
export const PurchaseStatus = z.enum(['pending', 'paid', 'failed', 'expired']);
export type PurchaseStatus = z.infer<typeof PurchaseStatus>;

export const PurchaseCredits = z.number().check(
  z.int({ message: 'must be a whole number of credits' }),
  z.minimum(PURCHASE_STEP, { message: `must be at least ${PURCHASE_STEP}` }),
  z.maximum(1_000_000_000, { message: 'is too large' }),
  z.refine((v) => v % PURCHASE_STEP === 0, { message: `must be a multiple of ${PURCHASE_STEP}` }),
);

const PromoCode = z.string().check(
  z.minLength(1, { message: 'must not be empty' }),
  z.maxLength(64),
  z.regex(/^[A-Za-z0-9_-]+$/, { message: 'may use only letters, digits, _ and -' }),
);

export const CreatePurchaseRequest = z.strictObject({
  credits: PurchaseCredits,
  promoCode: z.optional(PromoCode),
  /** the host page to come back to after paying (its origin must be the caller's or an allowed one) */
  returnUrl: z.optional(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).check(z.maxLength(2000))),
});
export type CreatePurchaseRequest = z.infer<typeof CreatePurchaseRequest>;

/** `GET /purchases/quote?credits&promoCode`: the price before paying, the promo code checked. */
export const PurchaseQuoteQuery = z.strictObject({
  credits: z.coerce.number().check(
    z.int({ message: 'must be a whole number of credits' }),
    z.minimum(PURCHASE_STEP, { message: `must be at least ${PURCHASE_STEP}` }),
    z.refine((v) => v % PURCHASE_STEP === 0, { message: `must be a multiple of ${PURCHASE_STEP}` }),
  ),
  promoCode: z.optional(PromoCode),
});
export type PurchaseQuoteQuery = z.infer<typeof PurchaseQuoteQuery>;

export const PurchaseQuote = z.object({
  credits: z.number(),
  currency: z.string(),
  /** price before the discount, minor units */
  subtotal: z.number(),
  discount: z.number(),
  /** what is paid, minor units */
  amount: z.number(),
  promoCode: z.nullable(z.object({ code: z.string(), description: z.string() })),
  maxCredits: z.number(),
});
export type PurchaseQuote = z.infer<typeof PurchaseQuote>;

export const Purchase = z.object({
  id: z.string(),
  status: PurchaseStatus,
  credits: z.number(),
  /** what is paid, minor units of `currency` */
  amount: z.number(),
  subtotal: z.number(),
  discount: z.number(),
  currency: z.string(),
  promoCode: z.nullable(z.string()),
  checkoutUrl: z.nullable(z.string()),
  builder: z.string(),
  createdAt: IsoDateTime,
  paidAt: z.nullable(IsoDateTime),
  /** the add-on grant a paid purchase made, and the validity it set for the add-on pool */
  grant: z.nullable(z.object({ id: z.string(), credits: Credits, validUntil: IsoDateTime })),
});
export type Purchase = z.infer<typeof Purchase>;

export const PurchasesResponse = z.object({ purchases: z.array(Purchase) });
export type PurchasesResponse = z.infer<typeof PurchasesResponse>;

/** Who may buy in a workspace: any builder, or only builders whose token carries the `billing` role. */
export const WhoMayBuy = z.enum(['any_builder', 'billing_role']);
export type WhoMayBuy = z.infer<typeof WhoMayBuy>;
export const PurchaseSettings = z.strictObject({ whoMayBuy: WhoMayBuy });
export type PurchaseSettings = z.infer<typeof PurchaseSettings>;

export const TokenRole = z.enum(['billing']);
export type TokenRole = z.infer<typeof TokenRole>;

/*
 * What only the server and the document read (the webhook, the demo gateway's page): marked
 * pure, so a browser bundle that imports this module for the schemas above drops them.
 */

/** What `POST /webhooks/stripe` answers a verified event with. */
export const WebhookReceipt = /* @__PURE__ */ z.object({
  received: /* @__PURE__ */ z.literal(true),
  duplicate: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.boolean()),
  status: /* @__PURE__ */ z.optional(PurchaseStatus),
  /** why a verified event changed nothing: its type, or `unknown purchase` */
  ignored: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.string()),
  /** a setup-mode session saved the workspace's payment method for auto top-up */
  saved: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.boolean()),
});
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

/** A Stripe event as it is delivered (read raw, verified against Stripe-Signature before anything is read). */
export const StripeEventBody = /* @__PURE__ */ z.looseObject({
  id: /* @__PURE__ */ z.string(),
  type: /* @__PURE__ */ z.string(),
  data: /* @__PURE__ */ z.looseObject({ object: /* @__PURE__ */ z.looseObject({}) }),
});
export const StripeSignatureHeaders = /* @__PURE__ */ z.object({ 'stripe-signature': /* @__PURE__ */ z.optional(/* @__PURE__ */ z.string()) });

/** The demo gateway's page: its Checkout session id, and the form its buttons post. */
export const DemoCheckoutParams = /* @__PURE__ */ z.object({
  session: /* @__PURE__ */ z.string().check(/* @__PURE__ */ z.regex(/^cs_demo_[0-9a-f]{32}$/)),
});
export const DemoCheckoutForm = /* @__PURE__ */ z.object({ action: /* @__PURE__ */ z.enum(['pay', 'cancel']) });
export type DemoCheckoutForm = z.infer<typeof DemoCheckoutForm>;
