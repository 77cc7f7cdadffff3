import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BUILTIN_AVERAGES, catalogConfigFromEnv } from '../../../src/server/ai/catalog-config.js';
import { DEFAULT_CREDIT_RATES } from '../../../src/server/ai/pricing.js';
import { aiOptionsFromEnv } from '../../../src/server/metering/ai-options.js';

describe('the configured catalog and credit price', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('defaults to the built-in catalog, 0.01 USD per credit and a 25% fee', () => {
    assert.deepEqual(catalogConfigFromEnv({}), { averages: BUILTIN_AVERAGES, rates: DEFAULT_CREDIT_RATES });
    assert.equal(BUILTIN_AVERAGES.app_generation, 100);
    assert.equal(BUILTIN_AVERAGES.sql_generation, 5);
  });

  it('reads a file, and lets the environment win over it', () => {
    const path = file('catalog.json', { averageCredits: { sql_generation: 0.5, custom_code: 0.2 }, usdPerCredit: '0.002', serviceFee: 0.1 });
    const config = catalogConfigFromEnv({ CREDIT_CHAT_CATALOG: path, CREDIT_CHAT_AVERAGE_CUSTOM_CODE: '0.3', CREDIT_CHAT_SERVICE_FEE: '0.3' });
    assert.equal(config.averages.sql_generation, 0.5);
    assert.equal(config.averages.custom_code, 0.3);
    assert.equal(config.averages.app_generation, 100, 'types left out keep the built-in average');
    assert.deepEqual(config.rates, { usdPerCredit: '0.002', serviceFee: '0.3' });
  });

  it('refuses bad values at start, naming the setting', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ CREDIT_CHAT_AVERAGE_SQL_GENERATION: 'five' }, /^Error: CREDIT_CHAT_AVERAGE_SQL_GENERATION must be a number of credits above 0/],
      [{ CREDIT_CHAT_AVERAGE_APP_GENERATION: '0' }, /^Error: CREDIT_CHAT_AVERAGE_APP_GENERATION must be/],
      [{ CREDIT_CHAT_USD_PER_CREDIT: '0' }, /^Error: CREDIT_CHAT_USD_PER_CREDIT must be above 0/],
      [{ CREDIT_CHAT_USD_PER_CREDIT: '1e-3' }, /^Error: CREDIT_CHAT_USD_PER_CREDIT must be a decimal number/],
      [{ CREDIT_CHAT_SERVICE_FEE: '-0.1' }, /^Error: CREDIT_CHAT_SERVICE_FEE must be a decimal number/],
      [{ CREDIT_CHAT_CATALOG: join(dir, 'missing.json') }, /^Error: CREDIT_CHAT_CATALOG: cannot read .*missing\.json/],
      [{ CREDIT_CHAT_CATALOG: file('broken.json', '{ nope') }, /^Error: CREDIT_CHAT_CATALOG: cannot read/],
      [{ CREDIT_CHAT_CATALOG: file('negative.json', { averageCredits: { sql_generation: -1 } }) }, /^Error: CREDIT_CHAT_CATALOG \(.*\): averageCredits\.sql_generation: /],
      [{ CREDIT_CHAT_CATALOG: file('unknown-type.json', { averageCredits: { sql: 5 } }) }, /^Error: CREDIT_CHAT_CATALOG \(.*\): averageCredits(\.sql)?: /],
      [{ CREDIT_CHAT_CATALOG: file('unknown-key.json', { averages: {} }) }, /^Error: CREDIT_CHAT_CATALOG \(.*\): /],
      [{ CREDIT_CHAT_CATALOG: file('zero-price.json', { usdPerCredit: 0 }) }, /^Error: usdPerCredit in the CREDIT_CHAT_CATALOG file must be above 0/],
    ];
    for (const [env, message] of cases) assert.throws(() => catalogConfigFromEnv(env), message, JSON.stringify(env));
  });

  it('is part of the AI settings the server starts with', () => {
    const options = aiOptionsFromEnv({ CREDIT_CHAT_AVERAGE_DOCS_ASSISTANT: '4', CREDIT_CHAT_USD_PER_CREDIT: '0.02' });
    assert.equal(options.averages?.docs_assistant, 4);
    assert.deepEqual(options.rates, { usdPerCredit: '0.02', serviceFee: '0.25' });
    assert.throws(() => aiOptionsFromEnv({ CREDIT_CHAT_AVERAGE_DOCS_ASSISTANT: 'x' }), /CREDIT_CHAT_AVERAGE_DOCS_ASSISTANT/);
  });
});
