/**
 * Migration 11: automatic top-ups of the add-on pool, paid with a saved payment method.
 *
 * - auto_top_up: one row per workspace that set it (none: off): the threshold (millicredits
 *   of the pooled available balance), the credits to buy, the most automatic purchases per
 *   cycle, and the saved payment method (a Stripe customer and payment method, or the demo
 *   gateway's saved card).
 * - "A top-up is due" is decided inside the ledger's locked hold statement: a trigger on the
 *   new hold sees the pool fall from above the threshold to it or below, and writes one
 *   topup_requests row for that crossing, unless one is still open or the cycle's
 *   max_per_cycle is used. Holds of one workspace are serialized by its row lock, so only one
 *   hold can make the crossing: never two top-ups for one crossing, under any concurrency.
 * - A worker (AutoTopUp.chargeDue) charges each request off-session with the request id as
 *   the PaymentIntent's idempotency key; cc_topup_settle records the outcome: paid grants
 *   through cc_purchase_event (the PaymentIntent id is the grant's reference, purchase.paid is
 *   emitted, the grant's trigger sends credits.recovered); declined turns auto top-up off and
 *   emits purchase.failed.
 */
export const AUTO_TOP_UP_SCHEMA = /* sql */ `
ALTER TABLE purchases ADD COLUMN source text NOT NULL DEFAULT 'checkout'
  CONSTRAINT purchases_source CHECK (source IN ('checkout', 'auto_top_up'));

CREATE OR REPLACE FUNCTION cc_purchase_event_data(p purchases, p_source text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('purchaseId', p.id, 'builder', p.builder, 'credits', p.credits,
    'amount', p.amount, 'currency', p.currency, 'provider', p.provider, 'source', p.source)
$$;

CREATE TABLE auto_top_up (
  workspace_id    text PRIMARY KEY REFERENCES workspaces (id),
  enabled         boolean NOT NULL DEFAULT false,
  threshold       bigint NOT NULL CHECK (threshold >= 0),
  credits         bigint NOT NULL CHECK (credits > 0 AND credits % 100 = 0),
  max_per_cycle   integer NOT NULL CHECK (max_per_cycle >= 1),
  provider        text,
  customer        text,
  payment_method  text,
  saved_by        text,
  disabled_reason text,
  updated_at      timestamptz NOT NULL
);

CREATE TABLE topup_requests (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  period        timestamptz NOT NULL,
  credits       bigint NOT NULL,
  -- pending: to charge; charging: a worker has it (claimed_at); paid; failed
  status        text NOT NULL CHECK (status IN ('pending', 'charging', 'paid', 'failed')),
  hold_id       text NOT NULL,
  purchase_id   text REFERENCES purchases (id),
  payment_intent text,
  error         text,
  attempts      integer NOT NULL DEFAULT 0,
  claimed_at    timestamptz,
  created_at    timestamptz NOT NULL,
  settled_at    timestamptz
);
CREATE INDEX topup_requests_period ON topup_requests (workspace_id, period);
-- one open request per workspace at a time
CREATE UNIQUE INDEX topup_requests_one_open ON topup_requests (workspace_id) WHERE status IN ('pending', 'charging');
CREATE INDEX topup_requests_due ON topup_requests (created_at) WHERE status IN ('pending', 'charging');

-- After a hold (its workspace locked by the ledger): the crossing of the auto top-up threshold.
CREATE FUNCTION cc_topup_on_hold() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  a auto_top_up%ROWTYPE;
  v_after bigint;
  v_period timestamptz;
BEGIN
  SELECT * INTO a FROM auto_top_up WHERE workspace_id = NEW.workspace_id AND enabled AND payment_method IS NOT NULL;
  IF NOT FOUND THEN RETURN NULL; END IF;
  SELECT coalesce(sum(available), 0)::bigint INTO v_after FROM grants
  WHERE workspace_id = NEW.workspace_id AND starts_at <= NEW.created_at AND expires_at > NEW.created_at AND available > 0;
  IF NOT (v_after + NEW.amount > a.threshold AND v_after <= a.threshold) THEN RETURN NULL; END IF;
  v_period := cc_spend_period(NEW.workspace_id);
  IF EXISTS (SELECT 1 FROM topup_requests WHERE workspace_id = NEW.workspace_id AND status IN ('pending', 'charging')) THEN RETURN NULL; END IF;
  IF (SELECT count(*) FROM topup_requests WHERE workspace_id = NEW.workspace_id AND period = v_period) >= a.max_per_cycle THEN RETURN NULL; END IF;
  INSERT INTO topup_requests (id, workspace_id, period, credits, status, hold_id, created_at)
  VALUES (cc_new_id('top'), NEW.workspace_id, v_period, a.credits, 'pending', NEW.id, NEW.created_at);
  PERFORM pg_notify('credit_chat_topups', '');
  RETURN NULL;
END $$;
CREATE TRIGGER holds_auto_top_up AFTER INSERT ON holds FOR EACH ROW EXECUTE FUNCTION cc_topup_on_hold();

-- The outcome of charging a request (p_outcome 'paid' or 'failed'), once: a request already
-- settled answers what it was. Paid: a purchase row (source auto_top_up, the PaymentIntent
-- as its session) fulfilled by cc_purchase_event. Failed: auto top-up off, purchase.failed.
CREATE FUNCTION cc_topup_settle(p_request text, p_outcome text, p_intent text, p_provider text, p_amount bigint,
                                p_currency text, p_error text, p_now timestamptz, p_valid_until timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  r topup_requests%ROWTYPE;
  v_purchase text := cc_new_id('pur');
  v_builder text;
  v_done jsonb;
BEGIN
  SELECT * INTO r FROM topup_requests WHERE id = p_request FOR UPDATE;
  IF NOT FOUND THEN RETURN jsonb_build_object('status', 404); END IF;
  IF r.status IN ('paid', 'failed') THEN RETURN jsonb_build_object('status', 200, 'request', r.status, 'duplicate', true); END IF;
  PERFORM 1 FROM workspaces WHERE id = r.workspace_id FOR UPDATE;
  SELECT coalesce(saved_by, 'auto-top-up') INTO v_builder FROM auto_top_up WHERE workspace_id = r.workspace_id;
  INSERT INTO purchases (id, workspace_id, builder, provider, credits, currency, subtotal, discount, amount, status,
    session_id, checkout_url, return_url, created_at, updated_at, source)
  VALUES (v_purchase, r.workspace_id, v_builder, p_provider, r.credits, p_currency, p_amount, 0, p_amount, 'pending',
    coalesce(p_intent, r.id), '', '', p_now, p_now, 'auto_top_up');
  IF p_outcome = 'paid' THEN
    v_done := cc_purchase_event(NULL, 'payment_intent.succeeded', v_purchase, p_intent, 'fulfil', p_now, p_valid_until);
  ELSE
    UPDATE purchases SET status = 'failed', updated_at = p_now WHERE id = v_purchase;
    UPDATE auto_top_up SET enabled = false, disabled_reason = coalesce(p_error, 'payment_failed'), updated_at = p_now
    WHERE workspace_id = r.workspace_id;
    PERFORM cc_emit(r.workspace_id, 'purchase.failed', cc_purchase_event_data(p, 'auto_top_up') || jsonb_build_object(
      'reason', coalesce(p_error, 'payment_failed'), 'autoTopUpDisabled', true), p_now)
    FROM purchases p WHERE p.id = v_purchase;
  END IF;
  UPDATE topup_requests SET status = p_outcome, purchase_id = v_purchase, payment_intent = p_intent, error = p_error, settled_at = p_now
  WHERE id = r.id;
  RETURN jsonb_build_object('status', 200, 'request', p_outcome, 'duplicate', false, 'purchaseId', v_purchase);
END $$;
`;
