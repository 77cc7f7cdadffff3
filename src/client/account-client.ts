import { Balance } from '../contract/ledger.js';
import { AccountLicense } from '../contract/account.js';
import { Purchase, PurchaseQuote, PurchasesResponse } from '../contract/purchases.js';
import { UsageSummary } from '../contract/usage.js';
import type { CreatePurchaseRequest, UsageGroupBy } from '../contract/index.js';
import type { CreditApiClient } from './api-client.js';

/**
 * What `<credit-purchase>` and `<credit-account>` call: purchases, the license and the
 * transparency API, each answer parsed with its contract schema. Apart from the core client:
 * only those two elements' modules load it.
 */
export const accountApi = {
  balance: (client: CreditApiClient, signal?: AbortSignal) => client.request('GET', '/balance', Balance, undefined, signal),
  quote: (client: CreditApiClient, credits: number, promoCode?: string, signal?: AbortSignal) => {
    const params = new URLSearchParams({ credits: String(credits) });
    if (promoCode) params.set('promoCode', promoCode);
    return client.request('GET', `/purchases/quote?${params}`, PurchaseQuote, undefined, signal);
  },
  createPurchase: (client: CreditApiClient, body: CreatePurchaseRequest) => client.request('POST', '/purchases', Purchase, body),
  purchase: (client: CreditApiClient, id: string, signal?: AbortSignal) =>
    client.request('GET', `/purchases/${encodeURIComponent(id)}`, Purchase, undefined, signal),
  purchases: (client: CreditApiClient, signal?: AbortSignal) => client.request('GET', '/purchases', PurchasesResponse, undefined, signal),
  license: (client: CreditApiClient, signal?: AbortSignal) => client.request('GET', '/license', AccountLicense, undefined, signal),
  summary: (client: CreditApiClient, from: string, to: string, groupBy: UsageGroupBy, signal?: AbortSignal) =>
    client.request('GET', `/usage/summary?${new URLSearchParams({ from, to, groupBy })}`, UsageSummary, undefined, signal),
  /** The CSV of a range, as a Blob (the request needs the bearer token, so it cannot be a plain link). */
  csv: async (client: CreditApiClient, from: string, to: string) =>
    (await client.send('GET', `/usage.csv?${new URLSearchParams({ from, to })}`, undefined, undefined, 'text/csv')).blob(),
};
