import { Hono } from 'hono';
import {
  AddonRequest,
  CaptureRequest,
  CreateHoldRequest,
  CreateWorkspaceRequest,
  DebitRequest,
  IssueTokenRequest,
  LicenseRequest,
  OPERATION_CATALOG,
  UsageQuery,
  type OperationsResponse,
} from '../../contract/index.js';
import { mountByokRoutes } from '../byok/routes.js';
import type { AiRuntime } from '../chat/ai-runtime.js';
import { mountChatRoutes } from '../chat/routes.js';
import { spendControlRoutes } from '../controls/routes.js';
import { ApiError } from '../errors.js';
import { gatewayApp } from '../gateway/routes.js';
import type { Ledger } from '../ledger/ledger.js';
import { openApiDocument } from '../openapi.js';
import { requireAdmin, requireBuilder, type AppEnv } from './auth.js';
import { ConcurrencyGate, limitBodySize, limitConcurrentStreams, rateLimitPerBuilder, type RateLimit } from './limits.js';
import { apiSecurityHeaders, corsForHosts } from './security.js';
import { parseBody, parseQuery, pathId } from './validate.js';

export const API_BASE = '/api/v1';

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
  /** host page origins allowed to call the API from a browser (CORS); none: same origin only */
  corsOrigins?: readonly string[];
  /**
   * the AI operations: /estimate, /chat, /conversations, /byok under /api/v1, and the
   * OpenAI-compatible gateway at /v1/chat/completions; without it those routes are 404
   */
  ai?: AiRuntime;
}

/** The HTTP app of contract v1, mounted under /api/v1. */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const { ledger, adminToken } = options;
  const app = new Hono<AppEnv>();
  const api = new Hono<AppEnv>();

  app.use(corsForHosts(options.corsOrigins ?? []));
  app.use(apiSecurityHeaders());
  api.use(limitBodySize(options.maxBodyBytes ?? 64 * 1024));

  api.get('/operations', (c) => c.json({ operations: [...OPERATION_CATALOG] } satisfies OperationsResponse));
  api.get('/openapi.json', (c) => c.json(openApiDocument()));

  const admin = new Hono<AppEnv>();
  admin.use(requireAdmin(adminToken));
  admin.post('/workspaces', async (c) => c.json(await ledger.createWorkspace(await parseBody(c, CreateWorkspaceRequest)), 201));
  admin.put('/workspaces/:id/license', async (c) => {
    const body = await parseBody(c, LicenseRequest);
    return c.json(await ledger.setLicense(pathId(c, 'id', 'workspace'), body));
  });
  admin.post('/workspaces/:id/addons', async (c) => {
    const body = await parseBody(c, AddonRequest);
    return c.json(await ledger.addAddon(pathId(c, 'id', 'workspace'), body), 201);
  });
  admin.post('/workspaces/:id/tokens', async (c) => {
    const body = await parseBody(c, IssueTokenRequest);
    return c.json(await ledger.issueToken(pathId(c, 'id', 'workspace'), body.builder), 201);
  });
  api.route('/admin', admin);
  api.route('/admin', spendControlRoutes(ledger, adminToken));

  const builder = new Hono<AppEnv>();
  builder.use(requireBuilder(ledger, adminToken));
  if (options.rateLimit) builder.use(rateLimitPerBuilder(options.rateLimit));
  if (options.maxStreamsPerBuilder) builder.use('/chat', limitConcurrentStreams(new ConcurrencyGate(options.maxStreamsPerBuilder)));
  builder.get('/balance', async (c) => c.json(await ledger.balance(c.get('builder'))));
  builder.post('/holds', async (c) => c.json(await ledger.createHold(c.get('builder'), await parseBody(c, CreateHoldRequest)), 201));
  builder.post('/holds/:id/capture', async (c) => {
    const { credits } = await parseBody(c, CaptureRequest);
    return c.json(await ledger.capture(c.get('builder'), pathId(c, 'id', 'hold'), credits));
  });
  builder.post('/holds/:id/void', async (c) => c.json(await ledger.voidHold(c.get('builder'), pathId(c, 'id', 'hold'))));
  builder.post('/debits', async (c) => c.json(await ledger.debit(c.get('builder'), await parseBody(c, DebitRequest)), 201));
  builder.get('/usage', async (c) => c.json(await ledger.usage(c.get('builder'), parseQuery(c, UsageQuery))));
  if (options.ai) {
    mountChatRoutes(builder, options.ai);
    mountByokRoutes(builder, options.ai.byok, ledger);
  }
  api.route('/', builder);

  app.route(API_BASE, api);
  if (options.ai) app.route('/v1', gatewayApp(options.ai, adminToken));
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
