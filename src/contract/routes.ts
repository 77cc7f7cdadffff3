import type { RouteDef } from './route-def.js';
import { deleteByok, getByok, putByok } from './routes-byok.js';
import { createWorkspace, getOpenApiDocument, grantAddon, issueToken, setLicense, setOrigins } from './routes-admin.js';
import {
  createWebhook,
  deleteWebhook,
  getBuilderLimits,
  getThresholds,
  listWebhookDeliveries,
  listWebhooks,
  removeBuilderLimit,
  rotateWebhookSecret,
  setBuilderLimit,
  setBuilderLimits,
  setThresholds,
} from './routes-controls.js';
import { chat, estimate, getConversation, listConversations } from './routes-chat.js';
import { deleteConversation, putFeedback, updateConversation } from './routes-conversations.js';
import { createChatCompletion, listModels, retrieveModel } from './routes-gateway.js';
import { captureHold, createHold, debit, getBalance, listOperations, listUsage, voidHold } from './routes-ledger.js';
import {
  createPurchase,
  getPurchase,
  listPurchases,
  quotePurchase,
  receiveStripeWebhook,
  setPurchaseSettings,
  showDemoCheckout,
  submitDemoCheckout,
} from './routes-purchases.js';
import { getLicense, getUsageCsv, getUsageSummary } from './routes-usage.js';
import { getAutoTopUp, setAutoTopUp, setupAutoTopUp } from './routes-auto-top-up.js';
import { listBuilderLimits } from './routes-builder-limits.js';

/**
 * HTTP contract v1, each route declared once: method, path, who may call it, what it takes and
 * what it answers with each status. The server registers its handlers from it, the OpenAPI
 * document at /api/v1/openapi.json is generated from it, and the browser client takes its paths
 * and answer schemas from it.
 *
 * The routes are declared by area (`routes-ledger.ts`, `routes-chat.ts`, `routes-byok.ts`,
 * `routes-admin.ts`, `routes-gateway.ts`, `routes-purchases.ts`, `routes-usage.ts`, `routes-controls.ts`), so the browser imports the few it calls from their
 * area without carrying the other areas' schemas; those few are declared with `defineRoute`, whose
 * small `…Call` part (method, path, success answer) is all the browser bundle carries. What a
 * route is, and the helpers to read one, are in `route-def.ts`.
 */

export * from './route-def.js';
export * from './routes-admin.js';
export * from './routes-byok.js';
export * from './routes-chat.js';
export * from './routes-conversations.js';
export * from './routes-gateway.js';
export * from './routes-ledger.js';
export * from './routes-purchases.js';
export * from './routes-usage.js';
export * from './routes-controls.js';
export * from './routes-auto-top-up.js';
export * from './routes-builder-limits.js';

/** Every route of HTTP contract v1. */
export const ROUTES = [
  listOperations,
  getOpenApiDocument,
  getBalance,
  estimate,
  createHold,
  captureHold,
  voidHold,
  debit,
  chat,
  listUsage,
  listConversations,
  getConversation,
  updateConversation,
  deleteConversation,
  putFeedback,
  putByok,
  getByok,
  deleteByok,
  createWorkspace,
  setLicense,
  grantAddon,
  issueToken,
  setOrigins,
  createChatCompletion,
  listModels,
  retrieveModel,
  quotePurchase,
  createPurchase,
  listPurchases,
  getPurchase,
  receiveStripeWebhook,
  setPurchaseSettings,
  showDemoCheckout,
  submitDemoCheckout,
  getUsageSummary,
  getUsageCsv,
  getLicense,
  getThresholds,
  setThresholds,
  getBuilderLimits,
  setBuilderLimits,
  setBuilderLimit,
  removeBuilderLimit,
  createWebhook,
  listWebhooks,
  deleteWebhook,
  rotateWebhookSecret,
  listWebhookDeliveries,
  getAutoTopUp,
  setAutoTopUp,
  setupAutoTopUp,
  listBuilderLimits,
] as const satisfies readonly RouteDef[];

export type Route = (typeof ROUTES)[number];
export type RouteId = Route['id'];

