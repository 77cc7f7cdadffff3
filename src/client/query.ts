import {
  QueryClient,
  keepPreviousData,
  type MutationObserverOptions,
  type QueryObserverOptions,
} from '@tanstack/query-core';
import type { Balance, ChatEvent, ChatRequest, Estimate, EstimateRequest, OperationsResponse, Receipt } from '../contract/index.js';
import { CreditApiError, type ChatOutcome, type CreditApiClient } from './api-client.js';

/**
 * Query keys: `['credit-chat', scope, ...]`, where the scope (API base and identity) keeps two
 * workspaces apart in one shared QueryClient. Hosts can invalidate with the same keys, e.g.
 * `queryClient.invalidateQueries({ queryKey: ['credit-chat'] })` after a purchase.
 */
export const creditKeys = {
  all: (scope: string) => ['credit-chat', scope] as const,
  balance: (scope: string) => ['credit-chat', scope, 'balance'] as const,
  operations: (scope: string) => ['credit-chat', scope, 'operations'] as const,
  estimates: (scope: string) => ['credit-chat', scope, 'estimate'] as const,
  estimate: (scope: string, request: EstimateRequest) =>
    ['credit-chat', scope, 'estimate', request.operation, request.prompt, request.conversationId ?? null, request.regenerateOf ?? request.editOf ?? null] as const,
  chat: (scope: string) => ['credit-chat', scope, 'chat'] as const,
};

let pageQueryClient: QueryClient | undefined;

/** The QueryClient the elements of this page share when the host passes none. */
export function sharedQueryClient(): QueryClient {
  pageQueryClient ??= new QueryClient();
  return pageQueryClient;
}

/** A short, stable tag for a token, so query keys and tab messages never carry the token itself (FNV-1a). */
export function identityOf(token: string | null | undefined): string {
  if (!token) return '';
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    hash ^= token.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** Network failures and 5xx may pass on a second try; a 4xx answers the same again. */
function retryTransient(failureCount: number, error: unknown): boolean {
  return failureCount < 2 && error instanceof CreditApiError && (error.status === 0 || error.status >= 500);
}

export function balanceQueryOptions(client: CreditApiClient): QueryObserverOptions<Balance, CreditApiError> {
  return {
    queryKey: creditKeys.balance(client.scope),
    queryFn: ({ signal }) => client.balance(signal),
    staleTime: 10_000,
    refetchOnWindowFocus: true,
    retry: retryTransient,
  };
}

export function operationsQueryOptions(client: CreditApiClient): QueryObserverOptions<OperationsResponse, CreditApiError> {
  return {
    queryKey: creditKeys.operations(client.scope),
    queryFn: ({ signal }) => client.operations(signal),
    staleTime: 60 * 60_000,
    retry: retryTransient,
  };
}

/** The estimate of one request as a plain fetch (prefetching the picker's estimates uses it as is). */
export function estimateQuery(client: CreditApiClient, request: EstimateRequest) {
  return {
    queryKey: creditKeys.estimate(client.scope, request),
    queryFn: ({ signal }: { signal: AbortSignal }) => client.estimate(request, signal),
    staleTime: 30_000,
    retry: retryTransient,
  };
}

export function estimateQueryOptions(
  client: CreditApiClient,
  request: EstimateRequest,
  enabled: boolean,
): QueryObserverOptions<Estimate, CreditApiError> {
  return {
    ...estimateQuery(client, request),
    enabled,
    // While the builder types, the last estimate stays on screen until the new one arrives.
    placeholderData: keepPreviousData,
  };
}

/** Shows a balance the server sent (a receipt's, another tab's) unless a newer one is already shown. */
export function applyBalance(queryClient: QueryClient, scope: string, balance: Balance): void {
  const key = creditKeys.balance(scope);
  const current = queryClient.getQueryData<Balance>(key);
  if (current && Date.parse(current.asOf) > Date.parse(balance.asOf)) return;
  queryClient.setQueryData<Balance>(key, balance);
}

export interface ChatVariables {
  request: ChatRequest;
  signal: AbortSignal;
  onEvent: (event: ChatEvent) => void;
}

/** The receipt a failed chat still produced (a partial charge), if any. */
export function receiptOfFailure(error: unknown): Receipt | undefined {
  return error instanceof CreditApiError ? (error.details.receipt as Receipt | undefined) : undefined;
}

/**
 * The chat as a streaming mutation. A network failure before the server answered is retried
 * with the same variables, so with the same idempotency key: the server runs it at most once.
 * Whatever the outcome, the balance is set from the receipt or fetched again.
 */
export function chatMutationOptions(
  client: CreditApiClient,
  queryClient: QueryClient,
): MutationObserverOptions<ChatOutcome, unknown, ChatVariables> {
  return {
    mutationKey: creditKeys.chat(client.scope),
    mutationFn: ({ request, signal, onEvent }) => client.chat(request, { signal, onEvent }),
    retry: (failureCount, error) => failureCount < 2 && error instanceof CreditApiError && error.code === 'network',
    retryDelay: (attempt) => 500 * 2 ** attempt,
    onSettled: (outcome, error) => {
      const receipt = outcome?.receipt ?? receiptOfFailure(error);
      if (receipt) applyBalance(queryClient, client.scope, receipt.balance);
      else void queryClient.invalidateQueries({ queryKey: creditKeys.balance(client.scope) });
      // A settled answer feeds the workspace's history, which estimates draw on.
      if (outcome) void queryClient.invalidateQueries({ queryKey: creditKeys.estimates(client.scope) });
    },
  };
}
