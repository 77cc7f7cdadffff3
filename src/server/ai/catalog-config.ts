/**
 * The configured catalog and the price of a credit: what builders are shown before an
 * instance has history of its own, and how provider cost becomes credits. From a JSON file
 * (CREDIT_CHAT_CATALOG) and the environment, the environment winning; checked at start,
 * each error naming the setting to fix.
 *
 * File: { "averageCredits": { "app_generation": 100, ... }, "usdPerCredit": "0.01", "serviceFee": "0.25" }
 * (every key optional; types left out keep the built-in average).
 * Environment: CREDIT_CHAT_AVERAGE_<TYPE> (e.g. CREDIT_CHAT_AVERAGE_SQL_GENERATION=5),
 * CREDIT_CHAT_USD_PER_CREDIT, CREDIT_CHAT_SERVICE_FEE.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { catalogEntry, OPERATION_TYPES, type OperationType } from '../../contract/index.js';
import { DEFAULT_CREDIT_RATES, parseDecimal, type CreditRates } from './pricing.js';

export const CATALOG_FILE_SETTING = 'CREDIT_CHAT_CATALOG';
export const USD_PER_CREDIT_SETTING = 'CREDIT_CHAT_USD_PER_CREDIT';
export const SERVICE_FEE_SETTING = 'CREDIT_CHAT_SERVICE_FEE';

export type CatalogAverages = Readonly<Record<OperationType, number>>;

export interface CatalogConfig {
  /** average credits per operation type, shown before the instance has history */
  averages: CatalogAverages;
  rates: CreditRates;
}

/** The environment variable of a type's average, e.g. CREDIT_CHAT_AVERAGE_SQL_GENERATION. */
export function averageSetting(type: OperationType): string {
  return `CREDIT_CHAT_AVERAGE_${type.toUpperCase()}`;
}

/** Where a type's average is set, for messages: the variable, or the key in the file. */
export function averageSettingHint(type: OperationType): string {
  return `${averageSetting(type)} (or averageCredits.${type} in the ${CATALOG_FILE_SETTING} file)`;
}

export const BUILTIN_AVERAGES: CatalogAverages = Object.fromEntries(OPERATION_TYPES.map((t) => [t, catalogEntry(t).averageCredits])) as CatalogAverages;

const MAX_AVERAGE = 1_000_000;
const Decimal = z.union([z.number().check(z.nonnegative()), z.string().check(z.regex(/^\d+(\.\d+)?$/))]);
const CatalogFile = z.strictObject({
  averageCredits: z.optional(z.partialRecord(z.enum(OPERATION_TYPES), z.number().check(z.positive(), z.maximum(MAX_AVERAGE)))),
  usdPerCredit: z.optional(Decimal),
  serviceFee: z.optional(Decimal),
});
type CatalogFile = z.infer<typeof CatalogFile>;

function average(value: string, setting: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_AVERAGE) {
    throw new Error(`${setting} must be a number of credits above 0 (at most ${MAX_AVERAGE}), not ${JSON.stringify(value)}`);
  }
  return n;
}

function decimal(value: string | number, setting: string, positive: boolean): string {
  const text = String(value).trim();
  let scaled: bigint;
  try {
    scaled = parseDecimal(text, 9);
  } catch {
    throw new Error(`${setting} must be a decimal number such as ${positive ? '0.01' : '0.25'}, not ${JSON.stringify(value)}`);
  }
  if (positive && scaled === 0n) throw new Error(`${setting} must be above 0, not ${JSON.stringify(value)}`);
  return text;
}

function readCatalogFile(path: string): CatalogFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${CATALOG_FILE_SETTING}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = z.safeParse(CatalogFile, json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(the file)';
    throw new Error(`${CATALOG_FILE_SETTING} (${path}): ${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** The catalog and credit price from CREDIT_CHAT_CATALOG and the environment; throws naming the setting. */
export function catalogConfigFromEnv(env: Record<string, string | undefined> = process.env): CatalogConfig {
  const path = env[CATALOG_FILE_SETTING]?.trim();
  const file: CatalogFile = path ? readCatalogFile(path) : {};
  const averages = { ...BUILTIN_AVERAGES, ...file.averageCredits } as Record<OperationType, number>;
  for (const type of OPERATION_TYPES) {
    const value = env[averageSetting(type)];
    if (value !== undefined && value !== '') averages[type] = average(value, averageSetting(type));
  }
  const usdPerCredit = env[USD_PER_CREDIT_SETTING] || file.usdPerCredit;
  const serviceFee = env[SERVICE_FEE_SETTING] || file.serviceFee;
  const setting = (name: string) => (env[name] ? name : `usdPerCredit in the ${CATALOG_FILE_SETTING} file`);
  return {
    averages,
    rates: {
      usdPerCredit: usdPerCredit === undefined ? DEFAULT_CREDIT_RATES.usdPerCredit : decimal(usdPerCredit, setting(USD_PER_CREDIT_SETTING), true),
      serviceFee:
        serviceFee === undefined
          ? DEFAULT_CREDIT_RATES.serviceFee
          : decimal(serviceFee, env[SERVICE_FEE_SETTING] ? SERVICE_FEE_SETTING : `serviceFee in the ${CATALOG_FILE_SETTING} file`, false),
    },
  };
}
