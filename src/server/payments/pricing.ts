/**
 * Prices of add-on credits in money. Pure: no clock, no network. Money is whole minor units
 * (cents for usd; yen for jpy, which has none), as Stripe counts it.
 */

/** Currencies without a minor unit, as Stripe lists them. */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function minorUnitDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? 0 : 2;
}

/** "10" or "9.99" in the currency's major unit to whole minor units; throws on anything else. */
export function parseMajorAmount(text: string, currency: string, name: string): number {
  const digits = minorUnitDigits(currency);
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > digits) {
    throw new Error(`${name} must be an amount in ${currency.toUpperCase()} with at most ${digits} decimals, not ${JSON.stringify(text)}`);
  }
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  const minor = Number(match[1]) * 10 ** digits + (digits ? Number(fraction) : 0);
  if (minor <= 0) throw new Error(`${name} must be more than 0`);
  return minor;
}

/** A promotion as the gateway describes it: a percentage or a fixed amount off. */
export interface Promotion {
  /** the gateway's id of the promotion code (Stripe: promo_...) */
  id: string;
  code: string;
  percentOff: number | null;
  /** minor units of `currency` */
  amountOff: number | null;
  currency: string | null;
}

export interface Quote {
  credits: number;
  currency: string;
  subtotal: number;
  discount: number;
  amount: number;
}

/** The price of `credits` (a multiple of 100) at `pricePer100` minor units, less the promotion. */
export function quote(credits: number, pricePer100: number, currency: string, promotion: Promotion | null): Quote {
  const subtotal = (credits / 100) * pricePer100;
  let discount = 0;
  if (promotion?.percentOff != null) discount = Math.round((subtotal * promotion.percentOff) / 100);
  else if (promotion?.amountOff != null) discount = Math.min(promotion.amountOff, subtotal);
  return { credits, currency, subtotal, discount, amount: subtotal - discount };
}

/** What a promotion gives, in words, for the purchase dialog. */
export function describePromotion(promotion: Promotion, currency: string): string {
  if (promotion.percentOff != null) return `${promotion.percentOff}% off`;
  const digits = minorUnitDigits(currency);
  return `${((promotion.amountOff ?? 0) / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()} off`;
}

/** Whether a promotion applies to a purchase in `currency` (a fixed amount off is in one currency). */
export function promotionApplies(promotion: Promotion, currency: string): boolean {
  if (promotion.percentOff != null) return promotion.percentOff > 0 && promotion.percentOff <= 100;
  return promotion.amountOff != null && promotion.currency?.toLowerCase() === currency.toLowerCase();
}
