/**
 * Migration 4: purchases of add-on credits, the payment events that moved them, who may buy
 * (token roles and a workspace setting).
 *
 * A purchase is fulfilled by one SQL function, cc_purchase_event: it locks the purchase row,
 * records the payment event by its id (a duplicate changes nothing) and, for a paid event,
 * grants the add-on credits with the Checkout session id as the grant's reference, so however
 * often and in whatever order events (and the success redirect) arrive, the credits are
 * granted once. Paid is final: a late `expired` or `failed` does not undo it.
 */
export const PAYMENTS_SCHEMA = /* sql */ `
ALTER TABLE builder_tokens ADD COLUMN roles text[] NOT NULL DEFAULT '{}';
ALTER TABLE workspaces ADD COLUMN who_may_buy text NOT NULL DEFAULT 'any_builder'
  CONSTRAINT workspaces_who_may_buy CHECK (who_may_buy IN ('any_builder', 'billing_role'));

CREATE TABLE purchases (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  builder       text NOT NULL,
  provider      text NOT NULL,
  credits       bigint NOT NULL CHECK (credits > 0 AND credits % 100 = 0),
  currency      text NOT NULL,
  subtotal      bigint NOT NULL CHECK (subtotal >= 0),
  discount      bigint NOT NULL CHECK (discount >= 0),
  amount        bigint NOT NULL CHECK (amount >= 0),
  promo_code    text,
  status        text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired')),
  session_id    text NOT NULL UNIQUE,
  checkout_url  text NOT NULL,
  return_url    text NOT NULL,
  grant_id      text,
  valid_until   timestamptz,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  paid_at       timestamptz,
  CONSTRAINT purchases_amount CHECK (amount = subtotal - discount),
  CONSTRAINT purchases_paid_has_grant CHECK ((status = 'paid') = (grant_id IS NOT NULL AND paid_at IS NOT NULL AND valid_until IS NOT NULL))
);
CREATE INDEX purchases_newest_first ON purchases (workspace_id, created_at DESC, id DESC);

-- Every payment event received, by its provider id: the idempotency key of payment events.
CREATE TABLE payment_events (
  id           text PRIMARY KEY,
  type         text NOT NULL,
  purchase_id  text REFERENCES purchases (id),
  outcome      text NOT NULL,
  received_at  timestamptz NOT NULL
);
CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE ON payment_events FOR EACH ROW EXECUTE FUNCTION cc_refuse_change();

-- p_action: 'fulfil' (paid), 'fail', 'expire' or 'none'; p_event NULL when no event is behind
-- the call (the success redirect, which asked the provider that the session is paid).
CREATE FUNCTION cc_purchase_event(p_event text, p_type text, p_purchase text, p_session text, p_action text,
                                  p_now timestamptz, p_valid_until timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  p purchases%ROWTYPE;
  added jsonb;
  v_outcome text;
BEGIN
  SELECT * INTO p FROM purchases WHERE id = p_purchase AND session_id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    IF p_event IS NOT NULL THEN
      INSERT INTO payment_events (id, type, purchase_id, outcome, received_at)
      VALUES (p_event, p_type, NULL, 'unknown purchase', p_now) ON CONFLICT (id) DO NOTHING;
    END IF;
    RETURN jsonb_build_object('status', 404);
  END IF;
  v_outcome := CASE
    WHEN p_action = 'fulfil' AND p.status <> 'paid' THEN 'paid'
    WHEN p_action = 'fail' AND p.status = 'pending' THEN 'failed'
    WHEN p_action = 'expire' AND p.status = 'pending' THEN 'expired'
    ELSE 'unchanged' END;
  IF p_event IS NOT NULL THEN
    INSERT INTO payment_events (id, type, purchase_id, outcome, received_at)
    VALUES (p_event, p_type, p.id, v_outcome, p_now) ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
      RETURN jsonb_build_object('status', 200, 'duplicate', true, 'purchaseStatus', p.status);
    END IF;
  END IF;
  IF v_outcome = 'paid' THEN
    added := cc_add_addon(p.workspace_id, p.credits * 1000, p.session_id, p_now, p_valid_until);
    IF (added->>'status')::int <> 200 THEN
      RAISE EXCEPTION 'credit-chat: add-on grant for purchase % refused: %', p.id, added USING ERRCODE = 'P0001';
    END IF;
    UPDATE purchases SET status = 'paid', grant_id = added->'grant'->>'id', paid_at = p_now,
      valid_until = (added->'grant'->>'expiresAt')::timestamptz, updated_at = p_now
    WHERE id = p.id;
  ELSIF v_outcome IN ('failed', 'expired') THEN
    UPDATE purchases SET status = v_outcome, updated_at = p_now WHERE id = p.id;
  END IF;
  RETURN jsonb_build_object('status', 200, 'duplicate', false, 'purchaseStatus', CASE WHEN v_outcome = 'unchanged' THEN p.status ELSE v_outcome END);
END $$;
`;
