import { Hono } from 'hono';
import { DEFAULT_TOKEN_TTL_SECONDS, OPERATION_CATALOG } from '../../contract/index.js';
import * as routes from '../../contract/routes.js';
import { API_BASE } from '../../contract/routes.js';
import { mountByokRoutes } from '../byok/routes.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import { mountChatRoutes } from '../chat/routes.js';
import { mountSpendControlRoutes } from '../controls/routes.js';
import { ApiError } from '../errors.js';
import { gatewayApp } from '../gateway/routes.js';
import type { Ledger } from '../ledger/ledger.js';
import { openApiDocument } from '../openapi.js';
import type { Purchases } from '../payments/purchases.js';
import type { AutoTopUp } from '../payments/auto-top-up.js';
import { mountAutoTopUpAdminRoutes, mountAutoTopUpRoutes } from '../payments/auto-top-up-routes.js';
import { mountBuilderLimitsRoute } from '../controls/builder-limits-route.js';
import { mountDemoCheckout, mountPaymentWebhook, mountPurchaseAdminRoutes, mountPurchaseRoutes } from '../payments/routes.js';
import type { UsageReports } from '../usage/usage.js';
import { mountUsageRoutes } from '../usage/routes.js';
import { requireAdmin, requireBuilder, type AppEnv } from './auth.js';
import { BuilderLimits, limitBodySize, MemoryLimits, PostgresLimits, type LimitCounter, type RateLimit } from './limits.js';
import { apiSecurityHeaders, corsForHosts } from './security.js';
import { handle } from './route.js';

export { API_BASE };

export interface AppOptions {
  ledger: Ledger;
  /** CREDIT_CHAT_ADMIN_TOKEN; without it the admin routes answer 403 */
  adminToken?: string;
  /** largest request body accepted, in bytes (413 above) */
  maxBodyBytes?: number;
  /** requests per builder; without it, no limit (the server's defaults come from configFromEnv) */
  rateLimit?: RateLimit;
  /** streamed answers at once per builder; 0 or undefined: no cap */
  maxStreamsPerBuilder?: number;
  /**
   * where the rate and stream limits are counted; default PostgreSQL's tables on PostgreSQL
   * (shared by every server process on it), this process's memory on PGlite
   */
  limitCounter?: LimitCounter;
  /** host page origins allowed to call the API from a browser (CORS); none: same origin only */
  corsOrigins?: readonly string[];
  /**
   * the AI operations: /estimate, /chat, /conversations, /byok under /api/v1, and the
   * OpenAI-compatible gateway at /v1/chat/completions; without it those routes are 404
   */
  ai?: AiRuntime;
  /** CREDIT_CHAT_MODELS: models the gateway may be asked for besides the priced ones */
  gatewayModels?: readonly string[];
  /** purchases of add-on credits (Stripe or the demo gateway); without it those routes are 404 */
  payments?: Purchases;
  /** auto top-up of the add-on pool (paid through `payments`); without it those routes are 404 */
  autoTopUp?: AutoTopUp;
  /** the transparency API: /usage/summary, /usage.csv, /license */
  usage?: UsageReports;
}

/** The HTTP app of contract v1, mounted under /api/v1. */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const { ledger, adminToken } = options;
  const app = new Hono<AppEnv>();
  const api = new Hono<AppEnv>();
  if (options.payments) mountDemoCheckout(app, options.payments);

  app.use(corsForHosts(options.corsOrigins ?? [], () => ledger.allOrigins()));
  app.use(apiSecurityHeaders());
  api.use(limitBodySize(options.maxBodyBytes ?? 64 * 1024));
  // one bucket and one set of streaming slots per builder, whichever route the request takes
  const counter = options.limitCounter ?? (ledger.store.kind === 'postgres' ? new PostgresLimits(ledger.store) : new MemoryLimits());
  const limits = new BuilderLimits(counter, { rateLimit: options.rateLimit, maxStreams: options.maxStreamsPerBuilder });

  handle(api, API_BASE, routes.listOperations, async () => ({
    operations: options.ai ? await options.ai.catalog.operations() : [...OPERATION_CATALOG],
  }));
  handle(api, API_BASE, routes.getOpenApiDocument, () => openApiDocument() as { openapi: string });

  const admin = new Hono<AppEnv>();
  const ADMIN_BASE = `${API_BASE}/admin`;
  admin.use(requireAdmin(adminToken));
  handle(admin, ADMIN_BASE, routes.createWorkspace, (_, { body }) => ledger.createWorkspace(body));
  handle(admin, ADMIN_BASE, routes.setLicense, (_, { params, body }) => ledger.setLicense(params.id, body));
  handle(admin, ADMIN_BASE, routes.grantAddon, (_, { params, body }) => ledger.addAddon(params.id, body));
  handle(admin, ADMIN_BASE, routes.issueToken, (_, { params, body }) =>
    ledger.issueToken(params.id, body.builder, { ttlSeconds: body.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, roles: body.roles }),
  );
  handle(admin, ADMIN_BASE, routes.setOrigins, (_, { params, body }) => ledger.setOrigins(params.id, body.origins));
  mountSpendControlRoutes(admin, ledger);
  if (options.payments) {
    mountPurchaseAdminRoutes(admin, options.payments);
    mountPaymentWebhook(api, options.payments);
  }
  if (options.autoTopUp) mountAutoTopUpAdminRoutes(admin, options.autoTopUp);
  api.route('/admin', admin);

  const builder = new Hono<AppEnv>();
  builder.use(requireBuilder(ledger, adminToken));
  builder.use(limits.middleware((c) => c.req.method === 'POST' && c.req.path === `${API_BASE}/chat`));
  handle(builder, API_BASE, routes.getBalance, (c) => ledger.balance(c.get('builder')));
  handle(builder, API_BASE, routes.createHold, (c, { body }) => ledger.createHold(c.get('builder'), body));
  handle(builder, API_BASE, routes.captureHold, (c, { params, body }) => ledger.capture(c.get('builder'), params.id, body.credits));
  handle(builder, API_BASE, routes.voidHold, (c, { params }) => ledger.voidHold(c.get('builder'), params.id));
  handle(builder, API_BASE, routes.debit, (c, { body }) => ledger.debit(c.get('builder'), body));
  handle(builder, API_BASE, routes.listUsage, (c, { query }) => ledger.usage(c.get('builder'), query));
  if (options.ai) {
    mountChatRoutes(builder, options.ai);
    mountByokRoutes(builder, options.ai.byok, ledger);
  }
  if (options.payments) mountPurchaseRoutes(builder, options.payments, options.corsOrigins);
  if (options.usage) mountUsageRoutes(builder, options.usage);
  if (options.autoTopUp) mountAutoTopUpRoutes(builder, options.autoTopUp, options.corsOrigins);
  mountBuilderLimitsRoute(builder, ledger);
  api.route('/', builder);

  app.route(API_BASE, api);
  if (options.ai) app.route('/v1', gatewayApp(options.ai, adminToken, limits, { allowList: options.gatewayModels }));
  app.notFound((c) => c.json(new ApiError('not_found', `no route ${c.req.method} ${c.req.path}`).toBody(), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) {
      return c.json(err.toBody(), err.status as 400, err.headers);
    }
    console.error('credit-chat: unhandled error:', err instanceof Error ? err.message : 'unknown');
    return c.json(new ApiError('internal', 'internal error').toBody(), 500);
  });
  return app;
}
