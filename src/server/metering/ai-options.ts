import { catalogConfigFromEnv, loadPriceTable, providerSettingsFromEnv, type CatalogAverages, type CreditRates, type PriceTable, type ProviderOptions, type ProviderSettings } from '../ai/index.js';

/** How the server runs AI operations. Everything is optional; the defaults suit `npm start`. */
export interface AiOptions {
  /** the provider of every workspace without its own key; default the offline demo provider */
  provider?: ProviderSettings;
  /** test seams and pacing: fetch, upstream timeouts, the demo provider's delays */
  providerOptions?: ProviderOptions;
  /** model prices; default the built-in table */
  prices?: PriceTable;
  /** service fee and USD per credit; default 25% and 0.01 */
  rates?: CreditRates;
  /** the configured catalog's average credits per type; default the built-in catalog */
  averages?: CatalogAverages;
  /**
   * whether a workspace short of history of its own is estimated from this instance's answers
   * of the same type and model (every workspace's); default true. Off keeps each workspace's
   * estimates to its own history and the catalog: an instance whose tenants must not inform
   * each other's figures, or tests that share one database.
   */
  instanceEstimates?: boolean;
  /** encrypts BYOK keys at rest (CREDIT_CHAT_SECRET); without it PUT /byok answers 403 */
  secret?: string;
  /**
   * lets a BYOK base URL name localhost or a private network address (a local Ollama, an
   * internal gateway, the tests' fake upstreams); off by default so a builder cannot point the
   * server at its own network (CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS=1)
   */
  allowPrivateByokUrls?: boolean;
  /** lifetime of a chat's hold; a stream still running near its end is stopped and settled (default 900 s) */
  holdTtlSeconds?: number;
  /**
   * how long /chat waits for the provider's first event before it opens the stream; within
   * it a provider's 429 can still be answered as HTTP 429 (default 1000 ms)
   */
  streamStartGraceMs?: number;
  /** a `: keep-alive` comment after this much silence on an open stream (default 15 s) */
  heartbeatMs?: number;
}

/**
 * AI settings from AI_PROVIDER, AI_BASE_URL, AI_API_KEY, AI_MODEL, CREDIT_CHAT_PRICES,
 * CREDIT_CHAT_SECRET, and the catalog and credit price (CREDIT_CHAT_CATALOG,
 * CREDIT_CHAT_AVERAGE_<TYPE>, CREDIT_CHAT_USD_PER_CREDIT, CREDIT_CHAT_SERVICE_FEE), and
 * CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS.
 */
export function aiOptionsFromEnv(env: Record<string, string | undefined> = process.env): AiOptions {
  const catalog = catalogConfigFromEnv(env);
  const options: AiOptions = { provider: providerSettingsFromEnv(env), prices: loadPriceTable({ env }), rates: catalog.rates, averages: catalog.averages };
  const secret = env.CREDIT_CHAT_SECRET?.trim();
  if (secret) options.secret = secret;
  if (env.CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS === '1' || env.CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS === 'true') options.allowPrivateByokUrls = true;
  return options;
}
