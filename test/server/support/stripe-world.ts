import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { WebhookDelivery } from '../../../src/server/notifications/delivery.js';
import { FakeStripe } from '../../support/fake-stripe.js';
import { Harness } from './harness.js';
import type { StoreKind } from './stores.js';
import { WebhookReceiver } from './webhook-receiver.js';

/**
 * What a payment test that listens as the host needs, made by the suite's hooks: the fake
 * Stripe, a harness paying through it, a standardwebhooks receiver and the outbox's delivery.
 * The clock is the real time before each test (the receiver refuses signatures 5 minutes off).
 */
export class StripeWorld {
  fake!: FakeStripe;
  h!: Harness;
  receiver!: WebhookReceiver;
  delivery!: WebhookDelivery;
  private readonly made: [string, string][] = [];

  /** Registers the suite's before/after/beforeEach hooks. */
  static hooks(kind: StoreKind): StripeWorld {
    const world = new StripeWorld();
    before(async () => {
      world.fake = await FakeStripe.start();
      world.h = await Harness.open(kind, { payments: world.fake.paymentsConfig() });
      world.receiver = await WebhookReceiver.start();
      world.delivery = new WebhookDelivery(world.h.store, { clock: world.h.clock, timeoutMs: 10_000 });
    });
    after(async () => {
      // a delivery left pending must not reach whatever listens on the receiver's port later
      for (const [ws, hook] of world.made) await world.h.admin('DELETE', `/workspaces/${ws}/webhooks/${hook}`);
      await world.receiver.close();
      await world.h.close();
      await world.fake.close();
    });
    beforeEach(() => {
      world.h.clock.set(new Date());
      world.receiver.received.length = 0;
    });
    return world;
  }

  /** The receiver as the workspace's webhook endpoint (for `events`, or all). */
  async listen(workspaceId: string, events?: string[]): Promise<void> {
    const created = await this.h.admin('POST', `/workspaces/${workspaceId}/webhooks`, { url: this.receiver.url, ...(events ? { events } : {}) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    this.made.push([workspaceId, created.body.id]);
    this.receiver.secrets = [created.body.secret];
  }

  /** A Stripe event delivered to the payment webhook, signed as Stripe signs it. */
  async deliver(event: Record<string, any>): Promise<any> {
    const { payload, signature } = this.fake.signed(event);
    const response = await this.h.fetch('/api/v1/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    assert.equal(response.status, 200);
    return response.json();
  }

  /** Delivery passes until nothing is due. */
  async drain(): Promise<void> {
    while ((await this.delivery.deliverDue()) > 0);
  }
}
