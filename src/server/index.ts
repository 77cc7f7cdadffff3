export { createApp, API_BASE, type AppOptions } from './http/app.js';
export { ApiError } from './errors.js';
export { openApiDocument } from './openapi.js';
export { createCreditChatServer, type CreditChatServer, type ServerOptions } from './server.js';
export { Ledger, systemClock, type BuilderContext, type Clock, type UsageDetails } from './ledger/ledger.js';
export { cycleWindow, oneYearAfter } from './ledger/cycle.js';
export { auditWorkspace, poolTotals } from './ledger/audit.js';
export { openStore, type StoreConfig } from './store/open.js';
export type { Store, SqlClient } from './store/store.js';
export { AiRuntime } from './metering/ai-runtime.js';
export { aiOptionsFromEnv, type AiOptions } from './metering/ai-options.js';
export { resolveServerSecret } from './byok/server-secret.js';
export {
  createProvider,
  providerSettingsFromEnv,
  PriceTable,
  loadPriceTable,
  DEFAULT_CREDIT_RATES,
  type ChatProvider,
  type CreditRates,
  type ProviderSettings,
  type ProviderOptions,
} from './ai/index.js';
export { WebhookDelivery, RETRY_SCHEDULE_MS, type WebhookDeliveryOptions } from './notifications/delivery.js';
export { WebhookEndpoints } from './notifications/webhooks.js';
export { SpendControls } from './controls/spend-controls.js';
