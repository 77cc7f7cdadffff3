import { ErrorBody as E } from './errors.js';
import {
  CreatePurchaseRequest,
  DemoCheckoutForm,
  DemoCheckoutParams,
  Purchase,
  PurchaseQuote,
  PurchaseQuoteQuery,
  PurchaseSettings,
  PurchasesResponse,
  StripeEventBody,
  StripeSignatureHeaders,
  WebhookReceipt,
} from './purchases.js';
import { defineRoute, IdParams, type RouteDef } from './route-def.js';

// Buying add-on credits: builders' purchases, the payment webhook, who may buy (admin), and the
// demo gateway's page (the table: routes.ts). A route the browser calls is declared with
// defineRoute: its `…Call` part is all the browser bundle carries.

/** `quotePurchase` as the browser calls it. */
export const quotePurchaseCall = { method: 'GET', path: '/api/v1/purchases/quote', answers: { 200: PurchaseQuote } } as const;
export const quotePurchase = /* @__PURE__ */ defineRoute(quotePurchaseCall, {
  id: 'quotePurchase',
  auth: 'builder',
  summary: 'The price of a number of credits, a promotion code checked',
  query: PurchaseQuoteQuery,
  answers: { 400: E, 401: E, 403: E, 429: E, 500: E, 503: E },
});

/** `createPurchase` as the browser calls it. */
export const createPurchaseCall = { method: 'POST', path: '/api/v1/purchases', answers: { 201: Purchase } } as const;
export const createPurchase = /* @__PURE__ */ defineRoute(createPurchaseCall, {
  id: 'createPurchase',
  auth: 'builder',
  summary: 'Open a checkout for add-on credits (403 when the workspace lets only the billing role buy)',
  body: CreatePurchaseRequest,
  answers: { 400: E, 401: E, 403: E, 413: E, 429: E, 500: E, 502: E, 503: E },
});

/** `listPurchases` as the browser calls it. */
export const listPurchasesCall = { method: 'GET', path: '/api/v1/purchases', answers: { 200: PurchasesResponse } } as const;
export const listPurchases = /* @__PURE__ */ defineRoute(listPurchasesCall, {
  id: 'listPurchases',
  auth: 'builder',
  summary: "The workspace's purchases, newest first",
  answers: { 401: E, 403: E, 429: E, 500: E, 503: E },
});

/** `getPurchase` as the browser calls it. */
export const getPurchaseCall = { method: 'GET', path: '/api/v1/purchases/{id}', answers: { 200: Purchase } } as const;
export const getPurchase = /* @__PURE__ */ defineRoute(getPurchaseCall, {
  id: 'getPurchase',
  auth: 'builder',
  summary: 'One purchase; while pending, the gateway is asked whether it was paid',
  resource: 'purchase',
  params: IdParams,
  answers: { 401: E, 403: E, 404: E, 429: E, 500: E, 503: E },
});

export const receiveStripeWebhook = {
  id: 'receiveStripeWebhook',
  method: 'POST',
  path: '/api/v1/webhooks/stripe',
  auth: 'none',
  summary: "Stripe's webhook (and the demo gateway's): the raw body verified against Stripe-Signature before anything is read",
  headers: StripeSignatureHeaders,
  body: StripeEventBody,
  bodyAs: 'raw',
  answers: { 200: WebhookReceipt, 400: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setPurchaseSettings = {
  id: 'setPurchaseSettings',
  method: 'PUT',
  path: '/api/v1/admin/workspaces/{id}/purchase-settings',
  auth: 'admin',
  summary: 'Who may buy credits in a workspace: any builder, or the billing role only',
  resource: 'workspace',
  params: IdParams,
  body: PurchaseSettings,
  answers: { 200: PurchaseSettings, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

const DEMO_PAGE = { text: 'text/html', description: 'the page (its own CSP: no script)' } as const;

export const showDemoCheckout = {
  id: 'showDemoCheckout',
  method: 'GET',
  path: '/api/v1/demo-checkout/{session}',
  auth: 'none',
  summary: "The offline demo gateway's payment page (only when Stripe is not configured)",
  resource: 'checkout session',
  params: DemoCheckoutParams,
  answers: { 200: DEMO_PAGE, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const submitDemoCheckout = {
  id: 'submitDemoCheckout',
  method: 'POST',
  path: '/api/v1/demo-checkout/{session}',
  auth: 'none',
  summary: "The demo page's Pay or Cancel: completes the session through the signed webhook, then back to the host page",
  resource: 'checkout session',
  params: DemoCheckoutParams,
  body: DemoCheckoutForm,
  bodyAs: 'form',
  answers: {
    303: { description: 'back to the host page, the purchase named in its query', headers: { Location: 'the return URL' } },
    400: E,
    404: E,
    500: E,
    503: E,
  },
} as const satisfies RouteDef;
