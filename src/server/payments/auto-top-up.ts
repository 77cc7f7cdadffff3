import type Stripe from 'stripe';
import { fromMillicredits, toMillicredits, type AutoTopUp as AutoTopUpState, type AutoTopUpRequest } from '../../contract/index.js';
import { ApiError } from '../errors.js';
import { oneYearAfter } from '../ledger/cycle.js';
import type { BuilderContext, Clock } from '../ledger/ledger.js';
import type { SqlClient, Store } from '../store/store.js';
import type { Purchases } from './purchases.js';

/** The channel a hold that made a top-up due notifies (migration 11). */
export const TOPUP_CHANNEL = 'credit_chat_topups';
/** A request a worker claimed but did not settle (it died mid-charge) is charged again after this. */
export const TOPUP_CLAIM_MS = 5 * 60_000;

interface SettingRow {
  enabled: boolean;
  threshold: string | number;
  credits: string | number;
  max_per_cycle: number;
  provider: string | null;
  payment_method: string | null;
  customer: string | null;
  disabled_reason: string | null;
  updated_at: Date | string;
  used: string | number;
}

interface RequestRow {
  id: string;
  workspace_id: string;
  credits: string | number;
  customer: string | null;
  payment_method: string | null;
}

/**
 * Auto top-up: the admin's setting, the builder's saved payment method, and the worker that
 * charges the top-ups the ledger's holds made due (auto-top-up-schema.ts decides when, in the
 * hold's own locked statement). Charges go through the purchase flow's payment provider; the
 * grant goes through cc_purchase_event like every purchase.
 */
export class AutoTopUp {
  constructor(
    private readonly store: Store,
    private readonly purchases: Purchases,
    private readonly clock: Clock,
  ) {
    purchases.setupReceiver = (session) => this.receiveSetup(session);
  }

  private get provider() {
    return this.purchases.provider;
  }

  async get(workspaceId: string): Promise<AutoTopUpState> {
    return this.read(this.store, workspaceId);
  }

  private async read(db: SqlClient, workspaceId: string): Promise<AutoTopUpState> {
    const exists = await db.query('SELECT 1 FROM workspaces WHERE id = $1', [workspaceId]);
    if (!exists[0]) throw new ApiError('not_found', 'workspace not found');
    const rows = await db.query<SettingRow>(
      `SELECT a.*, (SELECT count(*) FROM topup_requests r WHERE r.workspace_id = a.workspace_id AND r.period = cc_spend_period(a.workspace_id)) AS used
       FROM auto_top_up a WHERE a.workspace_id = $1`,
      [workspaceId],
    );
    const row = rows[0];
    if (!row) {
      return { workspaceId, enabled: false, threshold: 0, credits: 0, maxPerCycle: 0, paymentMethod: null, usedThisCycle: 0, disabledReason: null, updatedAt: null };
    }
    return {
      workspaceId,
      enabled: row.enabled,
      threshold: fromMillicredits(Number(row.threshold)),
      credits: Number(row.credits),
      maxPerCycle: row.max_per_cycle,
      paymentMethod: row.payment_method && row.provider ? { provider: row.provider, id: row.payment_method } : null,
      usedThisCycle: Number(row.used),
      disabledReason: row.disabled_reason,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  /** The admin's setting. Turning it on needs no saved method yet: nothing is charged until one is saved. */
  async set(workspaceId: string, input: AutoTopUpRequest): Promise<AutoTopUpState> {
    this.purchases.checkCredits(input.credits);
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const ws = await tx.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
      if (!ws[0]) throw new ApiError('not_found', 'workspace not found');
      await tx.query(
        `INSERT INTO auto_top_up (workspace_id, enabled, threshold, credits, max_per_cycle, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace_id) DO UPDATE SET enabled = EXCLUDED.enabled, threshold = EXCLUDED.threshold,
           credits = EXCLUDED.credits, max_per_cycle = EXCLUDED.max_per_cycle, updated_at = EXCLUDED.updated_at,
           disabled_reason = CASE WHEN EXCLUDED.enabled THEN NULL ELSE auto_top_up.disabled_reason END`,
        [workspaceId, input.enabled, toMillicredits(input.threshold), input.credits, input.maxPerCycle, now],
      );
      return this.read(tx, workspaceId);
    });
  }

  /** A builder (one who may buy) starts saving a payment method. */
  async setup(ctx: BuilderContext, returnUrl: string): Promise<{ url: string; saved: boolean }> {
    await this.purchases.checkMayBuy(ctx);
    const success = new URL(returnUrl);
    success.searchParams.set('credit_auto_top_up', 'saved');
    const cancel = new URL(returnUrl);
    cancel.searchParams.set('credit_auto_top_up', 'cancelled');
    let session;
    try {
      session = await this.provider.createSetup({
        workspaceId: ctx.workspaceId,
        builder: ctx.builder,
        currency: this.purchases.settings.currency,
        successUrl: success.toString(),
        cancelUrl: cancel.toString(),
      });
    } catch (err) {
      console.error('credit-chat: the payment gateway refused a setup session:', err instanceof Error ? err.message : 'unknown');
      throw new ApiError('provider_error', 'The payment gateway is not answering; nothing was saved. Try again.');
    }
    if (session.saved) {
      await this.save(ctx.workspaceId, ctx.builder, session.saved.customer, session.saved.paymentMethod);
      return { url: success.toString(), saved: true };
    }
    return { url: session.url, saved: false };
  }

  /** Stripe's checkout.session.completed of a setup-mode session: the saved method, stored. */
  async receiveSetup(session: Stripe.Checkout.Session): Promise<{ received: true; ignored?: string; saved?: boolean }> {
    const workspaceId = session.client_reference_id ?? session.metadata?.workspace_id;
    if (!workspaceId) return { received: true, ignored: 'no client_reference_id' };
    const method = await this.provider.savedMethodOf(session);
    if (!method) return { received: true, ignored: 'no saved payment method' };
    const saved = await this.save(workspaceId, session.metadata?.builder ?? null, method.customer, method.paymentMethod);
    return saved ? { received: true, saved: true } : { received: true, ignored: 'unknown workspace' };
  }

  private async save(workspaceId: string, builder: string | null, customer: string, paymentMethod: string): Promise<boolean> {
    const rows = await this.store.query(
      `INSERT INTO auto_top_up (workspace_id, enabled, threshold, credits, max_per_cycle, provider, customer, payment_method, saved_by, updated_at)
       SELECT id, false, 0, 100, 1, $2, $3, $4, $5, $6 FROM workspaces WHERE id = $1
       ON CONFLICT (workspace_id) DO UPDATE SET provider = EXCLUDED.provider, customer = EXCLUDED.customer,
         payment_method = EXCLUDED.payment_method, saved_by = EXCLUDED.saved_by, updated_at = EXCLUDED.updated_at
       RETURNING workspace_id`,
      [workspaceId, this.provider.name, customer, paymentMethod, builder, this.clock.now()],
    );
    return rows.length > 0;
  }

  /**
   * Charges the due top-ups, each claimed by one worker (a claim older than TOPUP_CLAIM_MS is
   * taken again: the PaymentIntent's idempotency key makes the second charge the first's
   * answer). Answers how many were settled.
   */
  async chargeDue(): Promise<number> {
    let settled = 0;
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.store.query<RequestRow>(
        `UPDATE topup_requests r SET status = 'charging', claimed_at = $1, attempts = attempts + 1
         FROM (SELECT id FROM topup_requests
               WHERE status = 'pending' OR (status = 'charging' AND claimed_at < $2)
               ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) due, auto_top_up a
         WHERE r.id = due.id AND a.workspace_id = r.workspace_id
         RETURNING r.id, r.workspace_id, r.credits, a.customer, a.payment_method`,
        [now, new Date(now.getTime() - TOPUP_CLAIM_MS)],
      );
      const request = claimed[0];
      if (!request) return settled;
      // not answered: left pending for the next pass (the sweep interval), not asked again at once
      if (!(await this.charge(request))) return settled;
      settled++;
    }
  }

  /** Charges one claimed request and settles it; false when the gateway did not answer. */
  private async charge(request: RequestRow): Promise<boolean> {
    const credits = Number(request.credits);
    const amount = (credits / 100) * this.purchases.settings.pricePer100;
    const currency = this.purchases.settings.currency;
    const outcome =
      request.customer && request.payment_method
        ? await this.provider
            .chargeSaved({ key: request.id, workspaceId: request.workspace_id, customer: request.customer, paymentMethod: request.payment_method, credits, amount, currency })
            .catch((err: unknown) => {
              // not answered: the request is charged again later with the same idempotency key
              console.error('credit-chat: auto top-up charge not answered:', err instanceof Error ? err.message : 'unknown');
              return null;
            })
        : ({ status: 'declined', intentId: null, error: 'no_payment_method' } as const);
    if (!outcome) {
      await this.store.query(`UPDATE topup_requests SET status = 'pending' WHERE id = $1 AND status = 'charging'`, [request.id]);
      return false;
    }
    const now = this.clock.now();
    await this.store.query('SELECT cc_topup_settle($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      request.id,
      outcome.status === 'succeeded' ? 'paid' : 'failed',
      outcome.intentId,
      this.provider.name,
      amount,
      currency,
      outcome.status === 'declined' ? outcome.error : null,
      now,
      oneYearAfter(now),
    ]);
    return true;
  }

  /** Charges as holds make top-ups due (NOTIFY), and every `intervalMs` for retries; resolves with stop. */
  async start(intervalMs = 30_000): Promise<() => Promise<void>> {
    let running: Promise<unknown> = Promise.resolve();
    const kick = () => {
      running = running.then(() => this.chargeDue()).catch((err: unknown) => console.error('credit-chat: auto top-up:', err instanceof Error ? err.message : err));
    };
    const unlisten = await this.store.listen(TOPUP_CHANNEL, kick);
    const timer = setInterval(kick, intervalMs);
    timer.unref?.();
    kick();
    return async () => {
      clearInterval(timer);
      await unlisten();
      await running;
    };
  }
}
