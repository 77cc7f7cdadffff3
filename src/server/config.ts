/** Server settings from the environment; CLI flags override them. */
import type { RateLimit } from './http/limits.js';
import { originsFromEnv } from './http/security.js';

export interface EnvConfig {
  databaseUrl?: string;
  databasePoolSize: number;
  dataDir: string;
  adminToken?: string;
  port: number;
  rateLimit: RateLimit;
  maxStreamsPerBuilder: number;
  corsOrigins: string[];
  gatewayModels?: string[];
  /** CREDIT_CHAT_WEBHOOK_DELIVERY=off: this process delivers no webhooks (others on the same database do) */
  webhookDelivery: boolean;
}

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
  return n;
}

function atLeastOne(n: number, name: string): number {
  if (n < 1) throw new Error(`${name} must be 1 or more`);
  return n;
}

/** A comma-separated list; unset or empty: undefined. */
function listFromEnv(value: string | undefined): string[] | undefined {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: atLeastOne(count(env.CREDIT_CHAT_DB_POOL_SIZE, 8, 'CREDIT_CHAT_DB_POOL_SIZE'), 'CREDIT_CHAT_DB_POOL_SIZE'),
    dataDir: env.CREDIT_CHAT_DATA_DIR || '.data',
    adminToken: env.CREDIT_CHAT_ADMIN_TOKEN || undefined,
    port: Number(env.PORT || 8787),
    rateLimit: {
      perMinute: count(env.CREDIT_CHAT_RATE_LIMIT, 600, 'CREDIT_CHAT_RATE_LIMIT'),
      burst: count(env.CREDIT_CHAT_RATE_BURST, 120, 'CREDIT_CHAT_RATE_BURST'),
    },
    maxStreamsPerBuilder: count(env.CREDIT_CHAT_MAX_STREAMS, 4, 'CREDIT_CHAT_MAX_STREAMS'),
    corsOrigins: originsFromEnv(env.CREDIT_CHAT_CORS_ORIGINS),
    gatewayModels: listFromEnv(env.CREDIT_CHAT_MODELS),
    webhookDelivery: env.CREDIT_CHAT_WEBHOOK_DELIVERY !== 'off',
  };
}
