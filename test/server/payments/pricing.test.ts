import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paymentsConfigFromEnv } from '../../../src/server/payments/config.js';
import { describePromotion, parseMajorAmount, promotionApplies, quote, type Promotion } from '../../../src/server/payments/pricing.js';

const percent = (p: number): Promotion => ({ id: 'promo_1', code: 'P', percentOff: p, amountOff: null, currency: null });
const amount = (a: number, currency = 'usd'): Promotion => ({ id: 'promo_2', code: 'A', percentOff: null, amountOff: a, currency });

describe('purchase pricing', () => {
  it('parses CREDIT_CHAT_PRICE_PER_100 into whole minor units of the currency', () => {
    assert.equal(parseMajorAmount('10', 'usd', 'X'), 1000);
    assert.equal(parseMajorAmount('9.99', 'eur', 'X'), 999);
    assert.equal(parseMajorAmount('9.5', 'usd', 'X'), 950);
    assert.equal(parseMajorAmount('1500', 'jpy', 'X'), 1500);
    for (const bad of ['9.999', '-1', '0', 'ten', '1e3', '']) assert.throws(() => parseMajorAmount(bad, 'usd', 'X'), /X/);
    assert.throws(() => parseMajorAmount('1.5', 'jpy', 'X'), /at most 0 decimals/);
  });

  it('quotes hundreds of credits less a percentage or a fixed amount, never below zero', () => {
    assert.deepEqual(quote(300, 1000, 'usd', null), { credits: 300, currency: 'usd', subtotal: 3000, discount: 0, amount: 3000 });
    assert.deepEqual(quote(300, 999, 'usd', percent(15)), { credits: 300, currency: 'usd', subtotal: 2997, discount: 450, amount: 2547 });
    assert.equal(quote(100, 1000, 'usd', amount(5000)).amount, 0);
    assert.equal(describePromotion(percent(10), 'usd'), '10% off');
    assert.equal(describePromotion(amount(250), 'usd'), '2.50 USD off');
    assert.equal(promotionApplies(amount(250, 'eur'), 'usd'), false);
    assert.equal(promotionApplies(percent(0), 'usd'), false);
  });

  it('reads the payment settings: Stripe needs its webhook secret; without a key, the demo gateway', () => {
    assert.deepEqual(paymentsConfigFromEnv({}), { pricePer100: 1000, currency: 'usd', maxCredits: 100_000 });
    assert.throws(() => paymentsConfigFromEnv({ STRIPE_SECRET_KEY: 'sk_test_1' }), /STRIPE_WEBHOOK_SECRET/);
    assert.deepEqual(
      paymentsConfigFromEnv({ STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1', STRIPE_API_BASE: 'http://127.0.0.1:12111', CREDIT_CHAT_CURRENCY: 'EUR', CREDIT_CHAT_PRICE_PER_100: '8.5' }).stripe,
      { secretKey: 'sk_test_1', webhookSecret: 'whsec_1', apiBase: 'http://127.0.0.1:12111' },
    );
    assert.equal(paymentsConfigFromEnv({ CREDIT_CHAT_CURRENCY: 'EUR', CREDIT_CHAT_PRICE_PER_100: '8.5' }).pricePer100, 850);
    assert.throws(() => paymentsConfigFromEnv({ CREDIT_CHAT_CURRENCY: 'euro' }), /CREDIT_CHAT_CURRENCY/);
    assert.throws(() => paymentsConfigFromEnv({ CREDIT_CHAT_MAX_PURCHASE: '150' }), /CREDIT_CHAT_MAX_PURCHASE/);
    assert.throws(() => paymentsConfigFromEnv({ STRIPE_SECRET_KEY: 'k', STRIPE_WEBHOOK_SECRET: 'w', STRIPE_API_BASE: 'ftp://x' }), /STRIPE_API_BASE/);
    assert.equal(paymentsConfigFromEnv({ STRIPE_WEBHOOK_SECRET: 'whsec_demo' }).demoWebhookSecret, 'whsec_demo');
  });
});
