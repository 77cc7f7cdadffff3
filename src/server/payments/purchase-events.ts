/**
 * Migration 10: the purchase flow tells the host. cc_purchase_event is replaced (same
 * signature, same steps) so that the transaction that marks a purchase paid or failed also
 * writes `purchase.paid` / `purchase.failed` to the outbox with cc_emit: a duplicate delivery
 * of the payment event returns before the emit, so the host hears of each outcome once, and
 * nothing is emitted for a change that rolled back. An expired Checkout session is not a
 * failed payment and emits nothing.
 */
export const PURCHASE_EVENTS_SCHEMA = /* sql */ `
-- The data of purchase.paid / purchase.failed, in credits and minor units of the currency.
CREATE FUNCTION cc_purchase_event_data(p purchases, p_source text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('purchaseId', p.id, 'builder', p.builder, 'credits', p.credits,
    'amount', p.amount, 'currency', p.currency, 'provider', p.provider, 'source', p_source)
$$;

CREATE OR REPLACE FUNCTION cc_purchase_event(p_event text, p_type text, p_purchase text, p_session text, p_action text,
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
    PERFORM cc_emit(p.workspace_id, 'purchase.paid', cc_purchase_event_data(p, 'checkout') || jsonb_build_object(
      'grantId', added->'grant'->>'id', 'reference', p.session_id, 'paidAt', cc_iso(p_now), 'validUntil', added->'grant'->>'expiresAt'), p_now);
  ELSIF v_outcome IN ('failed', 'expired') THEN
    UPDATE purchases SET status = v_outcome, updated_at = p_now WHERE id = p.id;
    IF v_outcome = 'failed' THEN
      PERFORM cc_emit(p.workspace_id, 'purchase.failed', cc_purchase_event_data(p, 'checkout') || jsonb_build_object(
        'reason', 'payment_failed', 'autoTopUpDisabled', false), p_now);
    END IF;
  END IF;
  RETURN jsonb_build_object('status', 200, 'duplicate', false, 'purchaseStatus', CASE WHEN v_outcome = 'unchanged' THEN p.status ELSE v_outcome END);
END $$;
`;
