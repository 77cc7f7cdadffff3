import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { accountApi } from '../../client/account-client.js';
import type { CreditApiClient } from '../../client/api-client.js';
import type { Balance, Purchase } from '../../contract/index.js';

const POLL_MS = 1500;
const POLL_LIMIT = 80;

/**
 * Follows a purchase after the gateway sent the builder back: asks for it until it is paid,
 * failed or expired (each ask also lets the server check with Stripe), then fetches the new
 * balance and hands it to `onPaid`. Stops when the host leaves the page.
 */
export class PurchaseFollower implements ReactiveController {
  purchase?: Purchase;
  balance?: Balance;
  error = '';
  private following = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly client: () => CreditApiClient,
    private readonly onPaid: (balance: Balance) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.following = false;
  }

  /** Starts following `id`; `cancelled`: the builder cancelled at the gateway, one look is enough. */
  async follow(id: string, cancelled: boolean): Promise<void> {
    if (this.following) return;
    this.following = true;
    try {
      for (let attempt = 0; this.following && attempt < POLL_LIMIT; attempt++) {
        this.purchase = await accountApi.purchase(this.client(), id);
        this.host.requestUpdate();
        if (this.purchase.status !== 'pending' || cancelled) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      if (this.purchase?.status === 'paid') {
        this.balance = await accountApi.balance(this.client());
        this.onPaid(this.balance);
      }
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.following = false;
      this.host.requestUpdate();
    }
  }

  reset(): void {
    this.following = false;
    this.purchase = undefined;
    this.balance = undefined;
    this.error = '';
  }
}
