import type Stripe from 'stripe';
import type { CreatePurchaseRequest, Purchase, PurchaseQuote, PurchaseSettings, PurchaseStatus, WhoMayBuy } from '../../contract/index.js';
import { ApiError } from '../errors.js';
import { oneYearAfter } from '../ledger/cycle.js';
import { newId } from '../ledger/ids.js';
import type { BuilderContext, Clock } from '../ledger/ledger.js';
import type { Store } from '../store/store.js';
import { describePromotion, promotionApplies, quote, type Promotion } from './pricing.js';
import type { PaymentProvider } from './provider.js';

export interface PurchaseSettingsConfig {
  /** minor units of `currency` per 100 credits (CREDIT_CHAT_PRICE_PER_100) */
  pricePer100: number;
  /** CREDIT_CHAT_CURRENCY, lower case */
  currency: string;
  /** the most credits one purchase may buy (CREDIT_CHAT_MAX_PURCHASE) */
  maxCredits: number;
}

interface PurchaseRow {
  id: string;
  workspace_id: string;
  builder: string;
  credits: string | number;
  currency: string;
  subtotal: string | number;
  discount: string | number;
  amount: string | number;
  promo_code: string | null;
  status: PurchaseStatus;
  session_id: string;
  checkout_url: string;
  return_url: string;
  grant_id: string | null;
  valid_until: Date | string | null;
  created_at: Date | string;
  paid_at: Date | string | null;
}

type Action = 'fulfil' | 'fail' | 'expire' | 'none';

const iso = (value: Date | string) => new Date(value).toISOString();

function toPurchase(row: PurchaseRow): Purchase {
  return {
    id: row.id,
    status: row.status,
    credits: Number(row.credits),
    amount: Number(row.amount),
    subtotal: Number(row.subtotal),
    discount: Number(row.discount),
    currency: row.currency,
    promoCode: row.promo_code,
    checkoutUrl: row.status === 'pending' ? row.checkout_url : null,
    builder: row.builder,
    createdAt: iso(row.created_at),
    paidAt: row.paid_at === null ? null : iso(row.paid_at),
    grant: row.grant_id && row.valid_until ? { id: row.grant_id, credits: Number(row.credits), validUntil: iso(row.valid_until) } : null,
  };
}

/** The purchase's page on the host, with the purchase named so the dialog can show how it ended. */
export function returnUrlFor(returnUrl: string, purchaseId: string, outcome: 'success' | 'cancel'): string {
  const url = new URL(returnUrl);
  url.searchParams.set('credit_purchase', purchaseId);
  if (outcome === 'cancel') url.searchParams.set('credit_purchase_cancelled', '1');
  return url.toString();
}

/** What a Checkout session event means for its purchase. */
function actionFor(event: Stripe.Event): Action | null {
  switch (event.type) {
    case 'checkout.session.completed': {
      const status = event.data.object.payment_status;
      // paid by card at once; an asynchronous method (a bank debit) pays later or fails later
      return status === 'paid' || status === 'no_payment_required' ? 'fulfil' : 'none';
    }
    case 'checkout.session.async_payment_succeeded':
      return 'fulfil';
    case 'checkout.session.async_payment_failed':
      return 'fail';
    case 'checkout.session.expired':
      return 'expire';
    default:
      return null;
  }
}

/**
 * Purchases of add-on credits: the quote, the Checkout session, and fulfilment. Everything
 * that changes a purchase goes through `apply`, one call of cc_purchase_event, whether the
 * signed webhook or the success redirect brought the news.
 */
export class Purchases {
  constructor(
    private readonly store: Store,
    readonly provider: PaymentProvider,
    readonly settings: PurchaseSettingsConfig,
    private readonly clock: Clock,
  ) {}

  /** Takes a completed setup-mode Checkout session (auto top-up's saved payment method); set by AutoTopUp. */
  setupReceiver?: (session: Stripe.Checkout.Session) => Promise<{ received: true; ignored?: string; saved?: boolean }>;

  private async promotion(code: string | undefined): Promise<Promotion | null> {
    if (code === undefined) return null;
    const promotion = await this.provider.findPromotion(code);
    if (!promotion || !promotionApplies(promotion, this.settings.currency)) {
      throw new ApiError('invalid_input', `promoCode: ${JSON.stringify(code)} is not a valid promotion code`, { field: 'promoCode' });
    }
    return promotion;
  }

  /** Refuses more credits than one purchase may buy (400 naming credits). */
  checkCredits(credits: number): void {
    if (credits > this.settings.maxCredits) {
      throw new ApiError('invalid_input', `credits: must be at most ${this.settings.maxCredits}`, { field: 'credits' });
    }
  }

  async quote(credits: number, promoCode: string | undefined): Promise<PurchaseQuote> {
    this.checkCredits(credits);
    const promotion = await this.promotion(promoCode);
    const { pricePer100, currency, maxCredits } = this.settings;
    return {
      ...quote(credits, pricePer100, currency, promotion),
      promoCode: promotion ? { code: promotion.code, description: describePromotion(promotion, currency) } : null,
      maxCredits,
    };
  }

  /** Refuses a builder the workspace does not let buy. */
  async checkMayBuy(ctx: BuilderContext): Promise<void> {
    const rows = await this.store.query<{ who_may_buy: WhoMayBuy; roles: string[] }>(
      `SELECT w.who_may_buy, t.roles FROM builder_tokens t JOIN workspaces w ON w.id = t.workspace_id
       WHERE t.token_hash = $1 AND t.workspace_id = $2 AND t.revoked_at IS NULL`,
      [ctx.tokenHash, ctx.workspaceId],
    );
    const row = rows[0];
    if (!row) throw new ApiError('unauthorized', 'The token is unknown or revoked.');
    if (row.who_may_buy === 'billing_role' && !row.roles.includes('billing')) {
      throw new ApiError('forbidden', 'Only builders with the billing role may buy credits in this workspace.', { role: 'billing' });
    }
  }

  async create(ctx: BuilderContext, input: CreatePurchaseRequest & { returnUrl: string }, serverOrigin: string): Promise<Purchase> {
    this.checkCredits(input.credits);
    await this.checkMayBuy(ctx);
    const promotion = await this.promotion(input.promoCode);
    const id = newId('pur');
    let session;
    try {
      session = await this.provider.createCheckout({
        purchaseId: id,
        workspaceId: ctx.workspaceId,
        credits: input.credits,
        unitAmount: this.settings.pricePer100,
        currency: this.settings.currency,
        promotion,
        successUrl: returnUrlFor(input.returnUrl, id, 'success'),
        cancelUrl: returnUrlFor(input.returnUrl, id, 'cancel'),
        serverOrigin,
      });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      console.error('credit-chat: the payment gateway refused a Checkout session:', err instanceof Error ? err.message : 'unknown');
      throw new ApiError('provider_error', 'The payment gateway is not answering; nothing was charged. Try again.');
    }
    // The session exists before its row: a session without a row is never shown to anyone,
    // and its events find no purchase (recorded and ignored).
    const now = this.clock.now();
    const rows = await this.store.query<PurchaseRow>(
      `INSERT INTO purchases (id, workspace_id, builder, provider, credits, currency, subtotal, discount, amount, promo_code,
         status, session_id, checkout_url, return_url, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $13, $14, $14) RETURNING *`,
      [id, ctx.workspaceId, ctx.builder, this.provider.name, input.credits, this.settings.currency, session.subtotal, session.discount,
        session.amount, promotion?.code ?? null, session.id, session.url, input.returnUrl, now],
    );
    return toPurchase(rows[0]!);
  }

  async list(ctx: BuilderContext, limit = 50): Promise<Purchase[]> {
    const rows = await this.store.query<PurchaseRow>(
      'SELECT * FROM purchases WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
      [ctx.workspaceId, limit],
    );
    return rows.map(toPurchase);
  }

  private async row(where: 'id' | 'session_id', value: string): Promise<PurchaseRow | undefined> {
    const rows = await this.store.query<PurchaseRow>(`SELECT * FROM purchases WHERE ${where} = $1`, [value]);
    return rows[0];
  }

  /**
   * One purchase of the builder's workspace. While it is pending, asks the gateway whether the
   * session was paid (the success redirect can come before the webhook) and fulfils it if so.
   */
  async get(ctx: BuilderContext, id: string): Promise<Purchase> {
    let row = await this.row('id', id);
    if (!row || row.workspace_id !== ctx.workspaceId) throw new ApiError('not_found', 'purchase not found');
    if (row.status === 'pending') {
      const state = await this.provider.retrieveCheckout(row.session_id).catch(() => null);
      const action: Action = state?.paid ? 'fulfil' : state?.status === 'expired' ? 'expire' : 'none';
      if (action !== 'none') {
        await this.apply(null, 'success_redirect', row.id, row.session_id, action);
        row = (await this.row('id', id))!;
      }
    }
    return toPurchase(row);
  }

  /** The one way a purchase changes: idempotent by event id, and by session id for the grant. */
  async apply(eventId: string | null, type: string, purchaseId: string, sessionId: string, action: Action) {
    const now = this.clock.now();
    const rows = await this.store.query<{ outcome: { status: number; duplicate?: boolean; purchaseStatus?: PurchaseStatus } }>(
      'SELECT cc_purchase_event($1, $2, $3, $4, $5, $6, $7) AS outcome',
      [eventId, type, purchaseId, sessionId, action, now, oneYearAfter(now)],
    );
    return rows[0]!.outcome;
  }

  /** A webhook delivery: verified with the webhook secret first; a bad signature writes nothing. */
  async receive(
    payload: string,
    signature: string | undefined,
  ): Promise<{ received: true; duplicate?: boolean; status?: PurchaseStatus; ignored?: string; saved?: boolean }> {
    let event: Stripe.Event;
    try {
      if (!signature) throw new Error('missing');
      event = this.provider.verifyEvent(payload, signature);
    } catch {
      throw new ApiError('invalid_input', 'Stripe-Signature: the signature does not match the payload', { field: 'Stripe-Signature' });
    }
    if (event.type === 'checkout.session.completed' && event.data.object.mode === 'setup') {
      return this.setupReceiver ? this.setupReceiver(event.data.object) : { received: true, ignored: 'setup session' };
    }
    const action = actionFor(event);
    if (action === null) return { received: true, ignored: event.type };
    const session = event.data.object as Stripe.Checkout.Session;
    if (!session.client_reference_id) return { received: true, ignored: 'no client_reference_id' };
    const outcome = await this.apply(event.id, event.type, session.client_reference_id, session.id, action);
    if (outcome.status === 404) return { received: true, ignored: 'unknown purchase' };
    return { received: true, duplicate: outcome.duplicate === true, status: outcome.purchaseStatus };
  }

  /** For the demo gateway's page: the purchase behind a Checkout session. */
  async bySession(sessionId: string): Promise<(Purchase & { returnUrl: string; workspaceId: string }) | undefined> {
    const row = await this.row('session_id', sessionId);
    return row ? { ...toPurchase(row), returnUrl: row.return_url, workspaceId: row.workspace_id } : undefined;
  }

  async setSettings(workspaceId: string, settings: PurchaseSettings): Promise<PurchaseSettings> {
    const rows = await this.store.query('UPDATE workspaces SET who_may_buy = $2 WHERE id = $1 RETURNING id', [workspaceId, settings.whoMayBuy]);
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
    return settings;
  }
}
