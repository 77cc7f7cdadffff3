// Keeps every open tab of the demo on the same credit pool. The widget already shares each
// balance it receives with the tabs of the same builder (BroadcastChannel in src/client); the
// builders of a workspace share one pool, so after a purchase, an answer or a key change here,
// every tab (whichever builder it shows) refetches its balance.
import type { QueryClient } from '@tanstack/query-core';

export type PoolChange = 'purchase' | 'debit' | 'byok';

const CHANNEL = 'credit-chat-demo:pool';

export class PoolSync {
  private readonly channel: BroadcastChannel | undefined;

  constructor(
    private readonly queryClient: QueryClient,
    onRemoteChange: (change: PoolChange) => void,
  ) {
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(CHANNEL);
    this.channel.onmessage = (event: MessageEvent<{ change?: PoolChange }>) => {
      const change = event.data?.change;
      if (change !== 'purchase' && change !== 'debit' && change !== 'byok') return;
      void this.refresh(change);
      onRemoteChange(change);
    };
  }

  /** The pool changed in this tab: refetch here and tell the other tabs. */
  changed(change: PoolChange): Promise<void> {
    this.channel?.postMessage({ change });
    return this.refresh(change);
  }

  /**
   * Refetches the elements' balance (the query key is `['credit-chat', scope, 'balance']`);
   * a key change also changes estimates (own key: no credits), so then everything refetches.
   */
  refresh(change: PoolChange): Promise<void> {
    return this.queryClient.invalidateQueries({
      predicate: (query) => query.queryKey[0] === 'credit-chat' && (change === 'byok' || query.queryKey[2] === 'balance'),
    });
  }
}
