import type { Hono } from 'hono';
import { resolveServerSecret } from './byok/server-secret.js';
import { aiOptionsFromEnv, type AiOptions } from './metering/ai-options.js';
import { AiRuntime } from './metering/ai-runtime.js';
import type { AppEnv } from './http/auth.js';
import { createApp, type AppOptions } from './http/app.js';
import { SpendControls } from './controls/spend-controls.js';
import { Ledger, systemClock, type Clock } from './ledger/ledger.js';
import { WebhookDelivery, type WebhookDeliveryOptions } from './notifications/delivery.js';
import { openStore, type StoreConfig } from './store/open.js';
import { createPurchases, paymentsConfigFromEnv, type PaymentsConfig } from './payments/config.js';
import type { Purchases } from './payments/purchases.js';
import { AutoTopUp } from './payments/auto-top-up.js';
import { UsageReports } from './usage/usage.js';
import type { Store } from './store/store.js';

export interface ServerOptions extends StoreConfig, Omit<AppOptions, 'ledger' | 'ai' | 'payments' | 'usage'> {
  clock?: Clock;
  /** how often expired holds and grants are swept, in ms; 0 turns the sweeper off */
  sweepIntervalMs?: number;
  /**
   * AI operations. What is not given comes from the environment (AI_PROVIDER, AI_BASE_URL,
   * AI_API_KEY, AI_MODEL, CREDIT_CHAT_PRICES, CREDIT_CHAT_SECRET): by default the offline
   * demo provider. Without a secret, see byok/server-secret.ts for where BYOK's comes from.
   */
  ai?: AiOptions;
  /**
   * Selling add-on credits. What is not given comes from the environment (STRIPE_SECRET_KEY,
   * STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE, CREDIT_CHAT_PRICE_PER_100, CREDIT_CHAT_CURRENCY,
   * CREDIT_CHAT_MAX_PURCHASE): without a Stripe key, the offline demo gateway.
   */
  payments?: Partial<PaymentsConfig>;
  /**
   * the webhook delivery worker of this process (on by default; false turns it off, e.g. for
   * processes that only serve requests while others deliver)
   */
  webhookDelivery?: false | Omit<WebhookDeliveryOptions, 'clock'>;
}

export interface CreditChatServer {
  app: Hono<AppEnv>;
  ledger: Ledger;
  store: Store;
  ai: AiRuntime;
  payments: Purchases;
  /** the webhook delivery worker, unless turned off */
  webhooks: WebhookDelivery | undefined;
  close(): Promise<void>;
}

/** Opens the store (migrating it), builds the ledger, the AI runtime and the HTTP app, starts the sweeper. */
export async function createCreditChatServer(options: ServerOptions = {}): Promise<CreditChatServer> {
  const store = await openStore(options);
  const ledger = new Ledger(store, options.clock ?? systemClock);
  const aiOptions: AiOptions = { ...aiOptionsFromEnv(), ...options.ai };
  aiOptions.secret = resolveServerSecret({
    configured: aiOptions.secret,
    dataDir: options.databaseUrl ? undefined : options.dataDir,
    storeKind: store.kind,
    warn: (message) => console.warn(message),
  });
  const ai = new AiRuntime(ledger, aiOptions);
  const clock = options.clock ?? systemClock;
  const payments = createPurchases(store, clock, { ...paymentsConfigFromEnv(), ...options.payments });
  const autoTopUp = new AutoTopUp(store, payments, clock);
  const app = createApp({ ...options, ledger, ai, payments, autoTopUp, usage: new UsageReports(store, clock) });
  const interval = options.sweepIntervalMs ?? 30_000;
  // the sweeper also sends the add-on pool's expiry notices that have come due
  const controls = new SpendControls(store, ledger);
  const sweeper =
    interval > 0
      ? setInterval(() => {
          ledger.sweep().then(() => controls.sweep()).catch((err: unknown) => console.error('credit-chat: sweep failed:', err instanceof Error ? err.message : err));
        }, interval)
      : undefined;
  sweeper?.unref();
  const webhooks = options.webhookDelivery === false ? undefined : new WebhookDelivery(store, { ...options.webhookDelivery, clock: ledger });
  await webhooks?.start();
  // charges the top-ups holds make due (a NOTIFY from the hold's transaction), and retries
  const stopTopUps = interval > 0 ? await autoTopUp.start(interval) : undefined;
  return {
    app,
    ledger,
    store,
    ai,
    payments,
    webhooks,
    async close() {
      if (sweeper) clearInterval(sweeper);
      await stopTopUps?.();
      await webhooks?.stop();
      // streams in flight stop and settle what they produced before the store goes away
      await ai.shutdown();
      await store.close();
    },
  };
}
