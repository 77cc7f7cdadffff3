import { readFileSync } from 'node:fs';
import * as models from 'gpt-tokenizer/models';
import * as z from 'zod/mini';
import { bareModelId, withoutSnapshot } from './model-id.js';

/**
 * Credits are computed exactly. Prices are USD per million tokens, read as decimals
 * (never through float arithmetic) into integer pico-USD per token (1 USD per million
 * tokens = 1,000,000 pUSD per token), so any price with up to 6 decimals is exact. The
 * service fee and the USD per credit are read into integer nano units. Every result is
 * rounded UP to the next millicredit, once per operation: a charge is never below the
 * provider cost plus fee, and never more than 1 millicredit above it.
 */
const PRICE_SCALE = 6;
const RATE_SCALE = 9;
const NANO = 10n ** BigInt(RATE_SCALE);

/** The model id of the offline demo provider. */
export const DEMO_MODEL = 'credit-chat-demo-1';

/** Prices of one model, as decimal strings of USD per million tokens. */
export interface ModelPrice {
  model: string;
  inputUsdPerMillion: string;
  outputUsdPerMillion: string;
  /** where the price came from; `fallback` means the model is unknown and priced like a mid-size model */
  source: 'config' | 'builtin' | 'gpt-tokenizer' | 'fallback';
}

/** Conversion from provider cost to credits. */
export interface CreditRates {
  /** the service fee on top of the provider cost, e.g. "0.25" for 25% */
  serviceFee: string;
  /** the price of one credit in USD, e.g. "0.01" */
  usdPerCredit: string;
}

export const DEFAULT_CREDIT_RATES: CreditRates = { serviceFee: '0.25', usdPerCredit: '0.01' };

/**
 * List prices (USD per million tokens) checked by hand against the providers' price pages,
 * for models gpt-tokenizer has no price for, and for some where its scraped figures are
 * wrong (gpt-tokenizer 4.0.0 lists gpt-4o, gpt-4.1 and gpt-5 at 10/30). They win over
 * gpt-tokenizer; the JSON config file wins over both.
 * The demo model is priced like a frontier Opus-class model (Claude Opus 4 / 4.1 list
 * price, 15 / 75): the catalog's averages are what such a model charges for the context
 * and answers an app-builder assistant sends and gets (docs/ai.md). A model nobody knows
 * is priced like a mid-size one (Claude Sonnet 4, 3 / 15).
 */
const BUILTIN_PRICES: Readonly<Record<string, readonly [input: string, output: string]>> = {
  [DEMO_MODEL]: ['15', '75'],
  'gpt-4o': ['2.5', '10'],
  'gpt-4o-mini': ['0.15', '0.6'],
  'gpt-4.1': ['2', '8'],
  'gpt-4.1-mini': ['0.4', '1.6'],
  'gpt-4.1-nano': ['0.1', '0.4'],
  'gpt-5': ['1.25', '10'],
  'gpt-5-mini': ['0.25', '2'],
  'gpt-5-nano': ['0.05', '0.4'],
  o3: ['2', '8'],
  'o3-mini': ['1.1', '4.4'],
  'o4-mini': ['1.1', '4.4'],
  'claude-opus-4': ['15', '75'],
  'claude-opus-4-0': ['15', '75'],
  'claude-opus-4-1': ['15', '75'],
  'claude-sonnet-4': ['3', '15'],
  'claude-sonnet-4-0': ['3', '15'],
  'claude-sonnet-4-5': ['3', '15'],
  'claude-3-7-sonnet': ['3', '15'],
  'claude-3-7-sonnet-latest': ['3', '15'],
  'claude-3-5-sonnet': ['3', '15'],
  'claude-3-5-sonnet-latest': ['3', '15'],
  'claude-3-5-haiku': ['0.8', '4'],
  'claude-3-5-haiku-latest': ['0.8', '4'],
  'claude-haiku-4-5': ['1', '5'],
  'grok-4': ['3', '15'],
  'grok-3': ['3', '15'],
  'grok-3-mini': ['0.3', '0.5'],
};

/** The price of a model that is in no list (a local model, a new id): a mid-size model's. */
const FALLBACK_PRICE = ['3', '15'] as const;

/** A decimal (string or number) scaled to an integer, rounded up beyond `scale` places. */
export function parseDecimal(value: string | number, scale: number): bigint {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) throw new RangeError(`not a non-negative decimal: ${String(value)}`);
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  const kept = fraction.slice(0, scale).padEnd(scale, '0');
  const scaled = BigInt(whole) * 10n ** BigInt(scale) + BigInt(kept || '0');
  return /[1-9]/.test(fraction.slice(scale)) ? scaled + 1n : scaled;
}

/** Plain decimal digits of a finite non-negative number, also when JS would print `1e-7`. */
function numberToPlainString(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative decimal: ${value}`);
  const text = String(value);
  const exp = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) return text;
  const digits = exp[1]! + (exp[2] ?? '');
  const point = exp[1]!.length + Number(exp[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  return point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function plainDecimal(value: string | number): string {
  return typeof value === 'number' ? numberToPlainString(value) : value;
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount too large: ${value}`);
  return Number(value);
}

function assertTokens(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number of tokens, got ${n}`);
  return BigInt(n);
}

/** Millicredits = ceil(picoUSD × (1 + fee) / USD per credit × 1000 / 10^12) as one integer fraction. */
function rateFraction(rates: CreditRates): { numerator: bigint; denominator: bigint } {
  const fee = parseDecimal(rates.serviceFee, RATE_SCALE);
  const usdPerCredit = parseDecimal(rates.usdPerCredit, RATE_SCALE);
  if (usdPerCredit === 0n) throw new RangeError('usdPerCredit must be above 0');
  // pico → milli-credit: × 1000 / 10^12 = / 10^9, which cancels the nano scale of usdPerCredit
  return { numerator: NANO + fee, denominator: NANO * usdPerCredit };
}

/** The provider cost of a usage in pico-USD, exact. */
export function providerCostPicoUsd(price: ModelPrice, usage: { inputTokens: number; outputTokens: number }): bigint {
  const input = assertTokens(usage.inputTokens, 'inputTokens');
  const output = assertTokens(usage.outputTokens, 'outputTokens');
  return input * parseDecimal(price.inputUsdPerMillion, PRICE_SCALE) + output * parseDecimal(price.outputUsdPerMillion, PRICE_SCALE);
}

/** The charge for a usage in integer millicredits, rounded up to the next millicredit. */
export function millicreditsForUsage(
  price: ModelPrice,
  usage: { inputTokens: number; outputTokens: number },
  rates: CreditRates = DEFAULT_CREDIT_RATES,
): number {
  const { numerator, denominator } = rateFraction(rates);
  return toSafeNumber(ceilDiv(providerCostPicoUsd(price, usage) * numerator, denominator));
}

/**
 * The largest output token count whose charge, with `inputTokens`, stays within
 * `holdMillicredits`: what to pass the provider as max_tokens. 0 when even the input
 * alone does not fit; `cap` (e.g. the model's output limit) when output is free.
 */
export function maxOutputTokensWithin(
  holdMillicredits: number,
  inputTokens: number,
  price: ModelPrice,
  rates: CreditRates = DEFAULT_CREDIT_RATES,
  cap = Number.MAX_SAFE_INTEGER,
): number {
  const hold = assertTokens(holdMillicredits, 'holdMillicredits');
  const { numerator, denominator } = rateFraction(rates);
  // ceil(cost × n / d) ≤ hold  ⟺  cost × n ≤ hold × d  ⟺  cost ≤ floor(hold × d / n), cost being whole pUSD
  const budget = (hold * denominator) / numerator - assertTokens(inputTokens, 'inputTokens') * parseDecimal(price.inputUsdPerMillion, PRICE_SCALE);
  if (budget < 0n) return 0;
  const perOutput = parseDecimal(price.outputUsdPerMillion, PRICE_SCALE);
  if (perOutput === 0n) return cap;
  const tokens = budget / perOutput;
  return tokens > BigInt(cap) ? cap : Number(tokens);
}

const PriceEntry = z.strictObject({
  input: z.union([z.number().check(z.nonnegative()), z.string().check(z.regex(/^\d+(\.\d+)?$/))]),
  output: z.union([z.number().check(z.nonnegative()), z.string().check(z.regex(/^\d+(\.\d+)?$/))]),
});
/** The JSON price file: `{ "<model id>": { "input": 2.5, "output": 10 } }`, USD per million tokens. */
export const PriceFile = z.record(z.string().check(z.minLength(1)), PriceEntry);
export type PriceFile = z.infer<typeof PriceFile>;

function gptTokenizerPrice(model: string): readonly [string, string] | undefined {
  const spec = (models as Record<string, { price_data?: { main?: { input?: number; output?: number } } } | undefined>)[model];
  const main = spec?.price_data?.main;
  if (main?.input === undefined || main.output === undefined) return undefined;
  return [numberToPlainString(main.input), numberToPlainString(main.output)];
}

/**
 * The price of every model: the config file's entry, else the built-in list, else
 * gpt-tokenizer's model data, each tried with the exact id, then without a vendor
 * prefix and a dated snapshot suffix; an unknown model is priced like a mid-size model (FALLBACK_PRICE).
 */
export class PriceTable {
  private readonly overrides: ReadonlyMap<string, readonly [string, string]>;

  constructor(overrides: PriceFile = {}) {
    this.overrides = new Map(
      Object.entries(z.parse(PriceFile, overrides)).map(([model, p]) => [model, [plainDecimal(p.input), plainDecimal(p.output)] as const]),
    );
  }

  /** The models priced by the config file or the built-in list (not gpt-tokenizer's long list). */
  listedModels(): string[] {
    return [...new Set([...this.overrides.keys(), ...Object.keys(BUILTIN_PRICES)])];
  }

  priceOf(model: string): ModelPrice {
    const bare = bareModelId(model);
    const candidates = [...new Set([model, bare, withoutSnapshot(bare)])];
    const sources: [ModelPrice['source'], (id: string) => readonly [string, string] | undefined][] = [
      ['config', (id) => this.overrides.get(id)],
      ['builtin', (id) => BUILTIN_PRICES[id]],
      ['gpt-tokenizer', gptTokenizerPrice],
    ];
    for (const [source, lookup] of sources) {
      for (const id of candidates) {
        const found = lookup(id);
        if (found) return { model, inputUsdPerMillion: found[0], outputUsdPerMillion: found[1], source };
      }
    }
    const [input, output] = FALLBACK_PRICE;
    return { model, inputUsdPerMillion: input, outputUsdPerMillion: output, source: 'fallback' };
  }
}

/** The price table with the JSON file at `path`, or at CREDIT_CHAT_PRICES, or none. */
export function loadPriceTable(options: { path?: string; env?: Record<string, string | undefined> } = {}): PriceTable {
  const path = options.path ?? (options.env ?? process.env).CREDIT_CHAT_PRICES;
  if (!path) return new PriceTable();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the price file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = z.safeParse(PriceFile, json);
  if (!parsed.success) throw new Error(`the price file ${path} is not { "<model>": { "input": <USD per 1M>, "output": <USD per 1M> } }`);
  return new PriceTable(parsed.data);
}
