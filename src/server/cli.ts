#!/usr/bin/env node
import { serve } from '@hono/node-server';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import {
  AddonRequest,
  AutoTopUpRequest,
  BuilderId,
  BuilderLimit,
  BuilderLimitsRequest,
  CreateWebhookRequest,
  CreateWorkspaceRequest,
  IssueTokenRequest,
  LicenseRequest,
  PurchaseSettings,
  ThresholdsRequest,
  WebhookDeliveriesQuery,
} from '../contract/index.js';
import { SpendControls } from './controls/spend-controls.js';
import { AutoTopUp } from './payments/auto-top-up.js';
import { aiOptionsFromEnv } from './metering/ai-options.js';
import { configFromEnv } from './config.js';
import { ApiError } from './errors.js';
import { invalidInput } from './http/validate.js';
import { Ledger, systemClock } from './ledger/ledger.js';
import { WebhookEndpoints } from './notifications/webhooks.js';
import { createPurchases, paymentsConfigFromEnv } from './payments/config.js';
import { createCreditChatServer } from './server.js';
import { openStore } from './store/open.js';

const USAGE = `credit-chat-server: the credit-chat reference backend

  credit-chat-server serve [--port 8787] [--host 127.0.0.1] [--data-dir .data | --database-url URL]
      [--ai-provider demo|openai|anthropic] [--ai-base-url URL] [--ai-api-key KEY] [--ai-model MODEL]
      [--prices prices.json] [--byok-allow-private-urls]

  credit-chat-server admin create-workspace --name NAME [--time-zone Europe/Berlin]
  credit-chat-server admin set-license --workspace ID --builders N --credits-per-builder N --anchor-day D
  credit-chat-server admin add-credits --workspace ID --credits N --reference REF
  credit-chat-server admin issue-token --workspace ID --builder NAME [--role billing]
      (a long-lived token that never expires, for scripts; the admin API's tokens last 15 minutes)
  credit-chat-server admin purchase-settings --workspace ID --who-may-buy any_builder|billing_role
  credit-chat-server admin thresholds --workspace ID
  credit-chat-server admin set-thresholds --workspace ID [--monthly-percents 75,90,100] [--addon-below N|none]
      [--expiring-days 30,7]    (what is left out takes its default; an empty list turns a kind off)
  credit-chat-server admin add-webhook --workspace ID --url URL [--events credits.depleted,credits.added]
  credit-chat-server admin list-webhooks --workspace ID
  credit-chat-server admin remove-webhook --workspace ID --webhook ID
  credit-chat-server admin rotate-webhook-secret --workspace ID --webhook ID
  credit-chat-server admin webhook-deliveries --workspace ID --webhook ID [--status pending|delivered|failed|cancelled] [--limit N]
  credit-chat-server admin builder-limits --workspace ID
  credit-chat-server admin set-builder-limits --workspace ID (--credits N --mode block|alert | --none)
  credit-chat-server admin set-builder-limit --workspace ID --builder NAME --credits N --mode block|alert
  credit-chat-server admin remove-builder-limit --workspace ID --builder NAME
  credit-chat-server admin auto-top-up --workspace ID
  credit-chat-server admin set-auto-top-up --workspace ID --enabled true|false [--threshold N] [--credits N]
      [--max-per-cycle N]    (what is left out keeps its value; a builder saves the card with POST /auto-top-up/setup)
      (admin commands take --data-dir or --database-url too, and print JSON)

Environment: DATABASE_URL (PostgreSQL, CREDIT_CHAT_DB_POOL_SIZE connections, default 8; else PGlite
in CREDIT_CHAT_DATA_DIR, default .data),
CREDIT_CHAT_ADMIN_TOKEN (enables /api/v1/admin), PORT; AI_PROVIDER (default demo), AI_BASE_URL,
AI_API_KEY, AI_MODEL, CREDIT_CHAT_PRICES (a JSON price file) as the --ai-* and --prices flags;
CREDIT_CHAT_SECRET (encrypts BYOK keys; without it PGlite keeps a generated one in its data
directory and PostgreSQL turns BYOK off); CREDIT_CHAT_CATALOG (a JSON catalog file),
CREDIT_CHAT_AVERAGE_<TYPE>, CREDIT_CHAT_USD_PER_CREDIT, CREDIT_CHAT_SERVICE_FEE (the catalog's
averages and the price of a credit); CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS=1 (or
--byok-allow-private-urls) lets a workspace's key call localhost or a private network (an
internal gateway); CREDIT_CHAT_WEBHOOK_DELIVERY=off (this process sends
no webhooks; others on the same database do).
`;

/** The serve flags that set AI_* variables, flag over environment. */
const AI_FLAGS = {
  'ai-provider': 'AI_PROVIDER',
  'ai-base-url': 'AI_BASE_URL',
  'ai-api-key': 'AI_API_KEY',
  'ai-model': 'AI_MODEL',
  prices: 'CREDIT_CHAT_PRICES',
} as const;

const storeOptions = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
} as const;

function storeConfig(values: { 'data-dir'?: string; 'database-url'?: string }) {
  const env = configFromEnv();
  const databaseUrl = values['database-url'] ?? (values['data-dir'] ? undefined : env.databaseUrl);
  return { databaseUrl, dataDir: values['data-dir'] ?? env.dataDir, databasePoolSize: env.databasePoolSize };
}

function parse<T>(schema: z.ZodMiniType<T>, input: unknown): T {
  const parsed = z.safeParse(schema, input);
  if (!parsed.success) throw invalidInput(parsed.error.issues, 'arguments');
  return parsed.data;
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...storeOptions,
      'ai-provider': { type: 'string' },
      'ai-base-url': { type: 'string' },
      'ai-api-key': { type: 'string' },
      'ai-model': { type: 'string' },
      prices: { type: 'string' },
      'byok-allow-private-urls': { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
    },
    strict: true,
  });
  const env = configFromEnv();
  const port = Number(values.port ?? env.port);
  const aiEnv: Record<string, string | undefined> = { ...process.env };
  for (const [flag, variable] of Object.entries(AI_FLAGS) as [keyof typeof AI_FLAGS, string][]) {
    const value = values[flag];
    if (value !== undefined) aiEnv[variable] = value;
  }
  if (values['byok-allow-private-urls']) aiEnv.CREDIT_CHAT_BYOK_ALLOW_PRIVATE_URLS = '1';
  const server = await createCreditChatServer({
    ...storeConfig(values),
    adminToken: env.adminToken,
    rateLimit: env.rateLimit,
    maxStreamsPerBuilder: env.maxStreamsPerBuilder,
    corsOrigins: env.corsOrigins,
    gatewayModels: env.gatewayModels,
    ai: aiOptionsFromEnv(aiEnv),
    ...(env.webhookDelivery ? {} : { webhookDelivery: false as const }),
  });
  const where = server.store.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${storeConfig(values).dataDir}`;
  const http = serve({ fetch: server.app.fetch, port, hostname: values.host }, () => {
    console.log(`credit-chat-server listening on http://${values.host}:${port}/api/v1 (${where}; AI: ${server.ai.providers.describe()})`);
  });
  return new Promise<number>((resolve) => {
    const stop = () => {
      http.close();
      void server.close().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function adminCommand(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      ...storeOptions,
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      workspace: { type: 'string' },
      builders: { type: 'string' },
      'credits-per-builder': { type: 'string' },
      'anchor-day': { type: 'string' },
      credits: { type: 'string' },
      reference: { type: 'string' },
      builder: { type: 'string' },
      role: { type: 'string', multiple: true },
      'who-may-buy': { type: 'string' },
      'monthly-percents': { type: 'string' },
      'addon-below': { type: 'string' },
      'expiring-days': { type: 'string' },
      url: { type: 'string' },
      events: { type: 'string' },
      webhook: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      mode: { type: 'string' },
      none: { type: 'boolean' },
      enabled: { type: 'string' },
      threshold: { type: 'string' },
      'max-per-cycle': { type: 'string' },
    },
    strict: true,
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const workspace = () => {
    if (!values.workspace) throw new ApiError('invalid_input', 'arguments: --workspace is required', { field: 'workspace' });
    return values.workspace;
  };
  /** "75,90" as numbers, "" as none; left out: undefined */
  const numbers = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? [] : v.split(',').map((x) => Number(x.trim())));
  const required = (name: 'webhook' | 'builder') => {
    const value = values[name];
    if (!value) throw new ApiError('invalid_input', `arguments: --${name} is required`, { field: name });
    return value;
  };
  const store = await openStore(storeConfig(values));
  const ledger = new Ledger(store);
  const webhooks = new WebhookEndpoints(store, ledger);
  const controls = new SpendControls(store, ledger);
  const autoTopUp = () => new AutoTopUp(store, createPurchases(store, systemClock, paymentsConfigFromEnv()), systemClock);
  try {
    let result: unknown;
    switch (command) {
      case 'create-workspace':
        result = await ledger.createWorkspace(parse(CreateWorkspaceRequest, { name: values.name, timeZone: values['time-zone'] }));
        break;
      case 'set-license':
        result = await ledger.setLicense(
          workspace(),
          parse(LicenseRequest, {
            builders: num(values.builders),
            creditsPerBuilder: num(values['credits-per-builder']),
            cycleAnchorDay: num(values['anchor-day']),
          }),
        );
        break;
      case 'add-credits':
        result = await ledger.addAddon(workspace(), parse(AddonRequest, { credits: num(values.credits), reference: values.reference }));
        break;
      case 'issue-token': {
        const request = parse(IssueTokenRequest, { builder: values.builder, roles: values.role });
        result = await ledger.issueToken(workspace(), request.builder, { roles: request.roles });
        break;
      }
      case 'purchase-settings':
        result = await createPurchases(store, systemClock, paymentsConfigFromEnv()).setSettings(
          workspace(),
          parse(PurchaseSettings, { whoMayBuy: values['who-may-buy'] }),
        );
        break;
      case 'thresholds':
        result = await controls.thresholds(workspace());
        break;
      case 'set-thresholds':
        result = await controls.setThresholds(
          workspace(),
          parse(ThresholdsRequest, {
            monthlyPercents: numbers(values['monthly-percents']),
            addonBelow: values['addon-below'] === 'none' ? null : num(values['addon-below']),
            expiringDays: numbers(values['expiring-days']),
          }),
        );
        break;
      case 'add-webhook':
        result = await webhooks.create(workspace(), parse(CreateWebhookRequest, { url: values.url, events: values.events?.split(',').map((e) => e.trim()) }));
        break;
      case 'list-webhooks':
        result = { webhooks: await webhooks.list(workspace()) };
        break;
      case 'remove-webhook':
        result = await webhooks.remove(workspace(), required('webhook'));
        break;
      case 'rotate-webhook-secret':
        result = await webhooks.rotateSecret(workspace(), required('webhook'));
        break;
      case 'webhook-deliveries':
        result = await webhooks.deliveries(workspace(), required('webhook'), parse(WebhookDeliveriesQuery, { status: values.status, limit: values.limit }));
        break;
      case 'builder-limits':
        result = await controls.builderLimits(workspace());
        break;
      case 'set-builder-limits':
        result = await controls.setDefaultLimit(
          workspace(),
          parse(BuilderLimitsRequest, { default: values.none ? null : { credits: num(values.credits), mode: values.mode } }),
        );
        break;
      case 'set-builder-limit':
        result = await controls.setBuilderLimit(
          workspace(),
          parse(BuilderId, required('builder')),
          parse(BuilderLimit, { credits: num(values.credits), mode: values.mode }),
        );
        break;
      case 'remove-builder-limit':
        result = await controls.removeBuilderLimit(workspace(), parse(BuilderId, required('builder')));
        break;
      case 'auto-top-up':
        result = await autoTopUp().get(workspace());
        break;
      case 'set-auto-top-up': {
        const current = await autoTopUp().get(workspace());
        result = await autoTopUp().set(
          workspace(),
          parse(AutoTopUpRequest, {
            enabled: values.enabled === undefined ? current.enabled : values.enabled === 'true' ? true : values.enabled === 'false' ? false : values.enabled,
            threshold: num(values.threshold) ?? current.threshold,
            credits: num(values.credits) ?? (current.credits || undefined),
            maxPerCycle: num(values['max-per-cycle']) ?? (current.maxPerCycle || undefined),
          }),
        );
        break;
      }
      default:
        process.stderr.write(USAGE);
        return 2;
    }
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serveCommand(rest);
  if (command === 'admin') return adminCommand(rest);
  process.stdout.write(USAGE);
  return command && command !== 'help' && command !== '--help' ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ApiError) console.error(JSON.stringify(err.toBody()));
    else console.error(`credit-chat-server: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
