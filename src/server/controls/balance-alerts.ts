/**
 * Migration 12: GET /balance tells the widget which thresholds this cycle has crossed and not
 * recovered (`alerts`), so it can show a banner and a state without webhooks. cc_builder_balance
 * is replaced with the same answer plus the alerts.
 */
export const BALANCE_ALERTS_SCHEMA = /* sql */ `
CREATE FUNCTION cc_balance_alerts(p_ws text) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object('kind', x.t->>'kind', 'threshold', x.t->'value', 'crossedAt', cc_iso(x.fired_at))
                            ORDER BY x.fired_at, x.t->>'kind', (x.t->>'value')::numeric), '[]'::jsonb)
  FROM (SELECT a.alert, a.fired_at, cc_threshold_json(p_ws, a.alert) AS t FROM spend_alerts a
        WHERE a.workspace_id = p_ws AND a.recovered_at IS NULL AND a.period = cc_spend_period(p_ws)
          AND (a.alert LIKE 'monthly:%' OR a.alert IN ('addon_below', 'depleted'))) x
$$;

CREATE OR REPLACE FUNCTION cc_builder_balance(p_ws text, p_token text, p_builder text, p_now timestamptz, p_cycle_start timestamptz,
                                   p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_status integer := (cc_prepare(p_ws, p_token, p_now, p_cycle_start, p_cycle_end)).status_code;
BEGIN
  IF v_status <> 200 THEN RETURN jsonb_build_object('status', v_status); END IF;
  RETURN jsonb_build_object('status', 200, 'balance', (SELECT balance FROM cc_balance_now(p_ws, p_now)),
    'builderLimit', cc_builder_limit(p_ws, p_builder), 'alerts', cc_balance_alerts(p_ws));
END $$;
`;
