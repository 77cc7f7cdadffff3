import * as z from 'zod/mini';
import type { QueryClient } from '@tanstack/query-core';
import { Balance } from '../contract/ledger.js';
import { applyBalance, creditKeys } from './query.js';

const CHANNEL_NAME = 'credit-chat:balance';
const BalanceMessage = z.object({ scope: z.string(), balance: Balance, changed: z.optional(z.boolean()) });

/** The API base of a scope (`apiBase|identity`). */
const baseOf = (scope: string) => scope.slice(0, scope.lastIndexOf('|'));

/**
 * Shares balance changes with the other tabs (and the other QueryClients of this page) through
 * a BroadcastChannel: every new balance this client gets is posted; a posted balance newer than
 * the one shown here for the same scope (API base and token) replaces it at once. The pool is
 * the workspace's, shared by its builders: a balance set from a receipt is posted as `changed`,
 * and every other tab on the same API base fetches its own balance again (it cannot tell from
 * here whether its token names the same workspace). A fetched balance is never `changed`, so
 * those fetches do not ping-pong. The newest `asOf` per scope is remembered, so a balance
 * received is not posted back. Returns the function that stops it.
 */
export function syncBalanceAcrossTabs(queryClient: QueryClient): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(CHANNEL_NAME);
  const newestAsOf = new Map<string, string>();
  channel.onmessage = (event: MessageEvent) => {
    const parsed = z.safeParse(BalanceMessage, event.data);
    if (!parsed.success) return;
    const { scope, balance, changed } = parsed.data;
    newestAsOf.set(scope, balance.asOf);
    if (queryClient.getQueryCache().find({ queryKey: creditKeys.balance(scope), exact: true })) {
      applyBalance(queryClient, scope, balance);
    }
    if (changed) {
      void queryClient.invalidateQueries({
        predicate: ({ queryKey: [root, other, kind] }) =>
          root === 'credit-chat' && kind === 'balance' && typeof other === 'string' && other !== scope && baseOf(other) === baseOf(scope),
      });
    }
  };
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated' || event.action.type !== 'success') return;
    const [root, scope, kind] = event.query.queryKey;
    if (root !== 'credit-chat' || kind !== 'balance' || typeof scope !== 'string') return;
    const balance = event.query.state.data as Balance | undefined;
    if (!balance || newestAsOf.get(scope) === balance.asOf) return;
    newestAsOf.set(scope, balance.asOf);
    // setQueryData (a receipt's balance) is `manual`; a fetch is not
    channel.postMessage({ scope, balance, changed: !!(event.action as { manual?: boolean }).manual });
  });
  return () => {
    unsubscribe();
    channel.close();
  };
}

const connections = new WeakMap<QueryClient, { count: number; disconnect: () => void }>();

/**
 * Mounts a QueryClient (focus and online refetching) and its cross-tab balance sync while at
 * least one element uses it. Returns the release function; the last release undoes both.
 */
export function connectQueryClient(queryClient: QueryClient): () => void {
  let connection = connections.get(queryClient);
  if (!connection) {
    queryClient.mount();
    const stopSync = syncBalanceAcrossTabs(queryClient);
    connection = {
      count: 0,
      disconnect: () => {
        stopSync();
        queryClient.unmount();
      },
    };
    connections.set(queryClient, connection);
  }
  const current = connection;
  current.count++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--current.count === 0) {
      current.disconnect();
      connections.delete(queryClient);
    }
  };
}
