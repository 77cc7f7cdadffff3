import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromEnv } from '../../src/server/config.js';

describe('server settings from the environment', () => {
  it('has defaults for everything but the database and the admin token', () => {
    const config = configFromEnv({});
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databasePoolSize, 8);
    assert.equal(config.dataDir, '.data');
    assert.equal(config.port, 8787);
    assert.deepEqual(config.rateLimit, { perMinute: 600, burst: 120 });
    assert.equal(config.maxStreamsPerBuilder, 4);
    assert.deepEqual(config.corsOrigins, []);
  });

  it('reads the PostgreSQL pool size, and refuses one that is not a whole number of 1 or more', () => {
    assert.equal(configFromEnv({ CREDIT_CHAT_DB_POOL_SIZE: '4' }).databasePoolSize, 4);
    assert.throws(() => configFromEnv({ CREDIT_CHAT_DB_POOL_SIZE: '0' }), /CREDIT_CHAT_DB_POOL_SIZE must be 1 or more/);
    assert.throws(() => configFromEnv({ CREDIT_CHAT_DB_POOL_SIZE: 'many' }), /CREDIT_CHAT_DB_POOL_SIZE must be a whole number/);
  });

  it('reads the gateway’s model allow-list (CREDIT_CHAT_MODELS, comma-separated); empty is none', () => {
    assert.deepEqual(configFromEnv({ CREDIT_CHAT_MODELS: ' llama-3.1-8b , anthropic/claude-sonnet-4,' }).gatewayModels, ['llama-3.1-8b', 'anthropic/claude-sonnet-4']);
    assert.equal(configFromEnv({ CREDIT_CHAT_MODELS: ' ' }).gatewayModels, undefined);
    assert.equal(configFromEnv({}).gatewayModels, undefined);
  });
});
