import type { CreatePurchaseRequest, UsageGroupBy } from '../contract/index.js';
// Routes come from their area of the table (their small `…Call` parts: method, path, success
// answer), not from routes.ts, so this module carries only these; the core client imports none.
import { API_BASE, routePath, type RouteCall } from '../contract/route-def.js';
import { getBalanceCall } from '../contract/routes-ledger.js';
import { createPurchaseCall, getPurchaseCall, listPurchasesCall, quotePurchaseCall } from '../contract/routes-purchases.js';
import { getLicenseCall, getUsageCsvCall, getUsageSummaryCall } from '../contract/routes-usage.js';
import { listBuilderLimitsCall } from '../contract/routes-builder-limits.js';
import type { CreditApiClient } from './api-client.js';

/** A route's path below the API base, `{name}` parameters filled in, and a query string. */
function pathOf(route: RouteCall, params?: Record<string, string>, query?: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, value);
  const qs = search.toString();
  return routePath(route, params).slice(API_BASE.length) + (qs ? `?${qs}` : '');
}

/**
 * What `<credit-purchase>` and `<credit-account>` call: purchases, the license and the
 * transparency API, method, path and answer schema from the route table. Apart from the core
 * client: only those two elements' modules load it.
 */
export const accountApi = {
  balance: (client: CreditApiClient, signal?: AbortSignal) =>
    client.request(getBalanceCall.method, pathOf(getBalanceCall), getBalanceCall.answers[200], undefined, signal),
  quote: (client: CreditApiClient, credits: number, promoCode?: string, signal?: AbortSignal) =>
    client.request(quotePurchaseCall.method, pathOf(quotePurchaseCall, {}, { credits: String(credits), promoCode: promoCode || undefined }), quotePurchaseCall.answers[200], undefined, signal),
  createPurchase: (client: CreditApiClient, body: CreatePurchaseRequest) =>
    client.request(createPurchaseCall.method, pathOf(createPurchaseCall), createPurchaseCall.answers[201], body),
  purchase: (client: CreditApiClient, id: string, signal?: AbortSignal) =>
    client.request(getPurchaseCall.method, pathOf(getPurchaseCall, { id }), getPurchaseCall.answers[200], undefined, signal),
  purchases: (client: CreditApiClient, signal?: AbortSignal) =>
    client.request(listPurchasesCall.method, pathOf(listPurchasesCall), listPurchasesCall.answers[200], undefined, signal),
  license: (client: CreditApiClient, signal?: AbortSignal) =>
    client.request(getLicenseCall.method, pathOf(getLicenseCall), getLicenseCall.answers[200], undefined, signal),
  summary: (client: CreditApiClient, from: string, to: string, groupBy: UsageGroupBy, signal?: AbortSignal) =>
    client.request(getUsageSummaryCall.method, pathOf(getUsageSummaryCall, {}, { from, to, groupBy }), getUsageSummaryCall.answers[200], undefined, signal),
  /** The CSV of a range, as a Blob (the request needs the bearer token, so it cannot be a plain link). */
  builderLimits: (client: CreditApiClient, signal?: AbortSignal) =>
    client.request(listBuilderLimitsCall.method, pathOf(listBuilderLimitsCall), listBuilderLimitsCall.answers[200], undefined, signal),
  csv: async (client: CreditApiClient, from: string, to: string) =>
    (await client.send(getUsageCsvCall.method, pathOf(getUsageCsvCall, {}, { from, to }), undefined, undefined, getUsageCsvCall.answers[200].text)).blob(),
};
