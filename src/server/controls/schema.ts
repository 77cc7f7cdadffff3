/**
 * Part of migration 4 (see store/migrations.ts): spend controls, and what the ledger's changes
 * tell the outbox. Everything here happens inside the ledger's own statement, with the
 * workspace row locked, so under any concurrency:
 *
 * - triggers on the append-only entries write the events of grants (credits.added, then
 *   credits.recovered for every crossed threshold the pool is back above) and of expiries
 *   (credits.expired), and schedule the add-on pool's expiry notices;
 * - cc_open_hold (migration 2's, again, with the additions marked `spend controls:`) refuses a
 *   hold beyond a builder's `block` limit (402 builder_limit_reached, remembered under the
 *   idempotency key like every refusal) and, from the values it already has, sees which
 *   thresholds the hold crossed; spend_alerts makes each fire once per cycle (and again only
 *   after a recovery);
 * - when a workspace has builder limits, triggers on holds keep builder_spend (captured + held
 *   per builder and cycle) up to date; a workspace without them pays one index probe per hold.
 */
export const CONTROLS_SCHEMA = /* sql */ `
-- One row per workspace (made with it): its thresholds and its default builder limit.
-- limits_on: a default limit or any override exists, so builders' use is counted.
CREATE TABLE spend_controls (
  workspace_id           text PRIMARY KEY REFERENCES workspaces (id),
  monthly_percents       integer[] NOT NULL DEFAULT '{75,90,100}',
  addon_below            bigint CHECK (addon_below > 0),
  expiring_days          integer[] NOT NULL DEFAULT '{30,7}',
  limit_credits          bigint CHECK (limit_credits >= 0),
  limit_mode             text CHECK (limit_mode IN ('block', 'alert')),
  limits_on              boolean NOT NULL DEFAULT false,
  thresholds_updated_at  timestamptz,
  CONSTRAINT spend_controls_limit_shape CHECK ((limit_credits IS NULL) = (limit_mode IS NULL))
);
INSERT INTO spend_controls (workspace_id) SELECT id FROM workspaces;
CREATE FUNCTION cc_new_workspace_controls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spend_controls (workspace_id) VALUES (NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER workspaces_spend_controls AFTER INSERT ON workspaces FOR EACH ROW EXECUTE FUNCTION cc_new_workspace_controls();

CREATE TABLE builder_limits (
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  builder       text NOT NULL,
  credits       bigint NOT NULL CHECK (credits >= 0),
  mode          text NOT NULL CHECK (mode IN ('block', 'alert')),
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, builder)
);

-- What a builder holds and has captured, by the cycle its holds were made in (period: the
-- cycle's start; -infinity for a workspace without a license). Kept while limits_on.
CREATE TABLE builder_spend (
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  builder       text NOT NULL,
  period        timestamptz NOT NULL,
  used          bigint NOT NULL CHECK (used >= 0),
  PRIMARY KEY (workspace_id, builder, period)
);
-- the builder_spend row a hold counts in; NULL when its workspace had no limits
ALTER TABLE holds ADD COLUMN spend_period timestamptz;

-- Alerts that fired: monthly:<percent>, addon_below, depleted, builder:<id> (period: the
-- cycle) and expiring:<days> (period: the add-on pool's expiry). One row per alert: it fires
-- again only in another period or after a recovery.
CREATE TABLE spend_alerts (
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  alert         text NOT NULL,
  period        timestamptz NOT NULL,
  fired_at      timestamptz NOT NULL,
  recovered_at  timestamptz,
  PRIMARY KEY (workspace_id, alert)
);

-- When the add-on pool's expiry notices come due; SpendControls.sweep() sends them.
CREATE TABLE spend_notices (
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  days          integer NOT NULL,
  expires_at    timestamptz NOT NULL,
  due_at        timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, days, expires_at)
);
CREATE INDEX spend_notices_due ON spend_notices (due_at);

CREATE FUNCTION cc_spend_period(p_ws text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT coalesce(monthly_cycle_start, '-infinity'::timestamptz) FROM workspaces WHERE id = p_ws
$$;

-- Marks an alert fired; true when it fires now (first in this period, or again after a recovery).
CREATE FUNCTION cc_fire_alert(p_ws text, p_alert text, p_period timestamptz, p_now timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spend_alerts AS a (workspace_id, alert, period, fired_at) VALUES (p_ws, p_alert, p_period, p_now)
  ON CONFLICT (workspace_id, alert) DO UPDATE SET period = EXCLUDED.period, fired_at = EXCLUDED.fired_at, recovered_at = NULL
  WHERE a.recovered_at IS NOT NULL OR a.period <> EXCLUDED.period;
  RETURN FOUND;
END $$;

-- A threshold alert as the events name it: {kind, value}.
CREATE FUNCTION cc_threshold_json(p_ws text, p_alert text) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  IF p_alert LIKE 'monthly:%' THEN
    RETURN jsonb_build_object('kind', 'monthly_percent', 'value', split_part(p_alert, ':', 2)::integer);
  ELSIF p_alert = 'addon_below' THEN
    RETURN jsonb_build_object('kind', 'addon_below', 'value',
      (SELECT cc_credits(addon_below) FROM spend_controls WHERE workspace_id = p_ws));
  END IF;
  RETURN jsonb_build_object('kind', 'depleted', 'value', 0);
END $$;

-- credits.threshold_crossed for monthly:<percent> and addon_below; credits.depleted for depleted.
CREATE FUNCTION cc_threshold_crossed(p_ws text, p_alert text, p_needed bigint, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT cc_fire_alert(p_ws, p_alert, cc_spend_period(p_ws), p_now) THEN RETURN; END IF;
  IF p_alert = 'depleted' THEN
    PERFORM cc_emit(p_ws, 'credits.depleted', jsonb_build_object('needed', cc_credits(p_needed),
      'balance', cc_event_balance(p_ws, p_now)), p_now);
  ELSE
    PERFORM cc_emit(p_ws, 'credits.threshold_crossed', jsonb_build_object('threshold', cc_threshold_json(p_ws, p_alert),
      'balance', cc_event_balance(p_ws, p_now)), p_now);
  END IF;
END $$;

CREATE FUNCTION cc_limit_reached(p_ws text, p_builder text, p_used bigint, p_limit bigint, p_mode text, p_refused bigint,
                                 p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cc_fire_alert(p_ws, 'builder:' || p_builder, cc_spend_period(p_ws), p_now) THEN
    PERFORM cc_emit(p_ws, 'builder.limit_reached', jsonb_build_object('builder', p_builder, 'mode', p_mode,
      'limit', cc_credits(p_limit), 'used', cc_credits(p_used), 'refused', cc_credits(p_refused)), p_now);
  END IF;
END $$;

-- After a grant: every crossed threshold the pool is now back above recovers, in one
-- credits.recovered. A monthly percent P stands for (100 - P) % of the monthly allocation
-- left in the pool: a new cycle lifts every one, an add-on purchase those it refills.
CREATE FUNCTION cc_recover(p_ws text, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  b jsonb := (SELECT balance FROM cc_balance_now(p_ws, p_now));
  v_addon bigint := (b->>'addonAvailable')::bigint;
  v_total bigint := (b->>'monthlyAvailable')::bigint + (b->>'addonAvailable')::bigint;
  v_allocated bigint := (b->>'monthlyAllocated')::bigint;
  v_floor bigint := (SELECT addon_below FROM spend_controls WHERE workspace_id = p_ws);
  v_recovered jsonb;
BEGIN
  WITH lifted AS (
    UPDATE spend_alerts SET recovered_at = p_now
    WHERE workspace_id = p_ws AND recovered_at IS NULL AND CASE
      WHEN alert = 'depleted' THEN v_total > 0
      WHEN alert = 'addon_below' THEN v_addon >= coalesce(v_floor, 0)
      WHEN alert LIKE 'monthly:%' THEN v_total::numeric * 100 > (100 - split_part(alert, ':', 2)::integer)::numeric * v_allocated
      ELSE false END
    RETURNING cc_threshold_json(p_ws, alert) AS threshold)
  SELECT jsonb_agg(threshold ORDER BY threshold->>'kind', (threshold->>'value')::numeric) INTO v_recovered FROM lifted;
  IF v_recovered IS NOT NULL THEN
    PERFORM cc_emit(p_ws, 'credits.recovered', jsonb_build_object('thresholds', v_recovered,
      'balance', cc_event_balance(p_ws, p_now)), p_now);
  END IF;
END $$;

-- The add-on pool's expiry notices: one per configured day count before its current expiry.
CREATE FUNCTION cc_schedule_notices(p_ws text, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM spend_notices WHERE workspace_id = p_ws;
  INSERT INTO spend_notices (workspace_id, days, expires_at, due_at)
  SELECT p_ws, d, e.expiry, e.expiry - make_interval(days => d)
  FROM (SELECT max(expires_at) AS expiry FROM grants WHERE workspace_id = p_ws AND pool = 'addon'
          AND expires_at > p_now AND (available > 0 OR held > 0)) e,
       unnest((SELECT expiring_days FROM spend_controls WHERE workspace_id = p_ws)) d
  WHERE e.expiry IS NOT NULL;
END $$;

-- Sends the workspace's due expiry notices, with the workspace locked: of those due for the
-- pool's current expiry (a purchase since has moved it), only the nearest is sent.
CREATE FUNCTION cc_send_notices(p_ws text, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_expiry timestamptz;
  v_credits bigint;
  v_days integer;
  n record;
BEGIN
  PERFORM 1 FROM workspaces WHERE id = p_ws FOR UPDATE;
  SELECT max(expires_at), sum(available + held) INTO v_expiry, v_credits FROM grants
  WHERE workspace_id = p_ws AND pool = 'addon' AND expires_at > p_now AND (available > 0 OR held > 0);
  FOR n IN SELECT days FROM spend_notices WHERE workspace_id = p_ws AND due_at <= p_now AND expires_at = v_expiry ORDER BY days DESC LOOP
    IF cc_fire_alert(p_ws, 'expiring:' || n.days, v_expiry, p_now) THEN v_days := n.days; END IF;
  END LOOP;
  IF v_days IS NOT NULL THEN
    PERFORM cc_emit(p_ws, 'credits.expiring', jsonb_build_object('pool', 'addon', 'days', v_days,
      'credits', cc_credits(v_credits), 'expiresAt', cc_iso(v_expiry)), p_now);
  END IF;
  DELETE FROM spend_notices WHERE workspace_id = p_ws AND due_at <= p_now;
END $$;

-- A grant entry (an add-on purchase, a cycle's monthly grant) is credits.added, and may
-- recover thresholds; an expire entry (what was left on a grant past its date) is credits.expired.
CREATE FUNCTION cc_entry_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE g grants%ROWTYPE;
BEGIN
  SELECT * INTO g FROM grants WHERE id = NEW.grant_id;
  IF NEW.kind = 'grant' THEN
    PERFORM cc_emit(NEW.workspace_id, 'credits.added', jsonb_build_object('pool', g.pool, 'credits', cc_credits(NEW.amount),
      'grantId', g.id, 'reference', g.reference, 'expiresAt', cc_iso(g.expires_at),
      'balance', cc_event_balance(NEW.workspace_id, NEW.created_at)), NEW.created_at);
    PERFORM cc_recover(NEW.workspace_id, NEW.created_at);
    IF g.pool = 'addon' THEN PERFORM cc_schedule_notices(NEW.workspace_id, NEW.created_at); END IF;
  ELSE
    PERFORM cc_emit(NEW.workspace_id, 'credits.expired', jsonb_build_object('pool', g.pool, 'credits', cc_credits(NEW.amount),
      'grantId', g.id, 'balance', cc_event_balance(NEW.workspace_id, NEW.created_at)), NEW.created_at);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER entries_events AFTER INSERT ON entries FOR EACH ROW WHEN (NEW.kind IN ('grant', 'expire'))
  EXECUTE FUNCTION cc_entry_events();

-- builder_spend follows the holds counted in it: + the hold, - what its settlement released.
CREATE FUNCTION cc_count_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO builder_spend AS s (workspace_id, builder, period, used) VALUES (NEW.workspace_id, NEW.builder, NEW.spend_period, NEW.amount)
    ON CONFLICT (workspace_id, builder, period) DO UPDATE SET used = s.used + EXCLUDED.used;
  ELSE
    UPDATE builder_spend SET used = used - (NEW.amount - NEW.captured)
    WHERE workspace_id = NEW.workspace_id AND builder = NEW.builder AND period = NEW.spend_period;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER holds_count_opened AFTER INSERT ON holds FOR EACH ROW WHEN (NEW.spend_period IS NOT NULL)
  EXECUTE FUNCTION cc_count_hold();
CREATE TRIGGER holds_count_settled AFTER UPDATE OF status ON holds FOR EACH ROW
  WHEN (NEW.spend_period IS NOT NULL AND OLD.status = 'pending' AND NEW.status <> 'pending' AND NEW.captured < NEW.amount)
  EXECUTE FUNCTION cc_count_hold();

-- What each builder has used in a period, from the ledger itself: captured (receipts) and
-- pending holds made in it. Counts builder_spend when limits come on, and the admin view without them.
CREATE FUNCTION cc_builder_usage(p_ws text, p_period timestamptz) RETURNS TABLE (builder text, used bigint) LANGUAGE sql STABLE AS $$
  SELECT u.builder, sum(u.amount)::bigint FROM (
    SELECT h.builder, h.amount FROM holds h WHERE h.workspace_id = p_ws AND h.status = 'pending' AND h.created_at >= p_period
    UNION ALL
    SELECT r.builder, r.credits FROM receipts r
    WHERE r.workspace_id = p_ws AND r.created_at >= p_period AND r.hold_id IS NOT NULL AND r.credits > 0) u
  GROUP BY u.builder
$$;

-- After a change to builder limits (the workspace locked): when limits come on, builder_spend
-- is counted afresh for the current cycle and the pending holds join it.
CREATE FUNCTION cc_limits_changed(p_ws text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_was boolean;
  v_on boolean;
  v_period timestamptz := cc_spend_period(p_ws);
BEGIN
  SELECT limits_on, limit_credits IS NOT NULL OR EXISTS (SELECT 1 FROM builder_limits WHERE workspace_id = p_ws)
  INTO v_was, v_on FROM spend_controls WHERE workspace_id = p_ws;
  IF v_on AND NOT v_was THEN
    DELETE FROM builder_spend WHERE workspace_id = p_ws AND period = v_period;
    UPDATE holds SET spend_period = v_period WHERE workspace_id = p_ws AND status = 'pending' AND created_at >= v_period;
    INSERT INTO builder_spend (workspace_id, builder, period, used)
    SELECT p_ws, u.builder, v_period, u.used FROM cc_builder_usage(p_ws, v_period) u;
  END IF;
  IF v_on IS DISTINCT FROM v_was THEN UPDATE spend_controls SET limits_on = v_on WHERE workspace_id = p_ws; END IF;
END $$;

-- The limit that applies to a builder this cycle, with what it has used: {credits, mode, used}; NULL for none.
CREATE FUNCTION cc_builder_limit(p_ws text, p_builder text) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('credits', coalesce(bl.credits, sc.limit_credits), 'mode', coalesce(bl.mode, sc.limit_mode),
                            'used', coalesce(bs.used, 0))
  FROM spend_controls sc
  LEFT JOIN builder_limits bl ON bl.workspace_id = sc.workspace_id AND bl.builder = p_builder
  LEFT JOIN builder_spend bs ON bs.workspace_id = sc.workspace_id AND bs.builder = p_builder AND bs.period = cc_spend_period(p_ws)
  WHERE sc.workspace_id = p_ws AND sc.limits_on AND coalesce(bl.credits, sc.limit_credits) IS NOT NULL
$$;

-- GET /balance: cc_current_balance with the builder's limit.
CREATE FUNCTION cc_builder_balance(p_ws text, p_token text, p_builder text, p_now timestamptz, p_cycle_start timestamptz,
                                   p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_status integer := (cc_prepare(p_ws, p_token, p_now, p_cycle_start, p_cycle_end)).status_code;
BEGIN
  IF v_status <> 200 THEN RETURN jsonb_build_object('status', v_status); END IF;
  RETURN jsonb_build_object('status', 200, 'balance', (SELECT balance FROM cc_balance_now(p_ws, p_now)),
    'builderLimit', cc_builder_limit(p_ws, p_builder));
END $$;

CREATE OR REPLACE FUNCTION cc_open_hold(p_ws text, p_builder text, p_key text, p_hash text, p_hold text, p_operation text,
                             p_amount bigint, p_expires_at timestamptz, p_now timestamptz, p_remember boolean,
                             OUT refusal jsonb, OUT opened jsonb, OUT from_monthly bigint, OUT from_addon bigint)
LANGUAGE plpgsql AS $$
DECLARE
  active grants[];
  avail bigint;
  grant_ids text[] := '{}';
  takes bigint[] := '{}';
  remaining bigint := p_amount;
  take bigint;
  -- spend controls: the workspace's thresholds; the monthly grant as it was; the builder's limit
  v_percents integer[];
  v_floor bigint;
  v_limits_on boolean;
  v_monthly_granted bigint := 0;
  v_monthly_used bigint := 0;
  v_monthly_left bigint := 0;
  v_percent integer;
  v_period timestamptz;
  v_limit bigint;
  v_mode text;
  v_used bigint := 0;
BEGIN
  from_monthly := 0;
  from_addon := 0;
  SELECT (SELECT CASE WHEN request_hash = p_hash THEN result || '{"replayed": true}'::jsonb
                      ELSE jsonb_build_object('status', 422, 'code', 'idempotency_mismatch') END
          FROM idempotency_keys WHERE workspace_id = p_ws AND builder = p_builder AND key = p_key),
         a.grants, a.total, sc.monthly_percents, sc.addon_below, sc.limits_on
  INTO refusal, active, avail, v_percents, v_floor, v_limits_on
  FROM (SELECT array_agg(g ORDER BY (g.pool = 'addon'), g.expires_at, g.created_at, g.id) AS grants,
               coalesce(sum(g.available), 0)::bigint AS total
        FROM grants g WHERE g.workspace_id = p_ws AND g.starts_at <= p_now AND g.expires_at > p_now AND g.available > 0) a
  LEFT JOIN spend_controls sc ON sc.workspace_id = p_ws;
  IF refusal IS NOT NULL THEN RETURN; END IF;
  -- spend controls: a builder's block limit refuses what would go beyond it
  IF v_limits_on THEN
    SELECT coalesce(bl.credits, sc.limit_credits), coalesce(bl.mode, sc.limit_mode), w.period, coalesce(bs.used, 0)
    INTO v_limit, v_mode, v_period, v_used
    FROM (SELECT cc_spend_period(p_ws) AS period) w
    JOIN spend_controls sc ON sc.workspace_id = p_ws
    LEFT JOIN builder_limits bl ON bl.workspace_id = p_ws AND bl.builder = p_builder
    LEFT JOIN builder_spend bs ON bs.workspace_id = p_ws AND bs.builder = p_builder AND bs.period = w.period;
    IF v_mode = 'block' AND v_used + p_amount > v_limit THEN
      refusal := jsonb_build_object('status', 402, 'code', 'builder_limit_reached', 'needed', p_amount, 'used', v_used, 'limit', v_limit);
      INSERT INTO idempotency_keys (workspace_id, builder, key, request_hash, result, created_at)
      VALUES (p_ws, p_builder, p_key, p_hash, refusal, p_now);
      PERFORM cc_limit_reached(p_ws, p_builder, v_used, v_limit, v_mode, p_amount, p_now);
      RETURN;
    END IF;
  END IF;
  IF avail < p_amount THEN
    refusal := jsonb_build_object('status', 402, 'code', 'insufficient_credits', 'needed', p_amount, 'available', avail);
    INSERT INTO idempotency_keys (workspace_id, builder, key, request_hash, result, created_at)
    VALUES (p_ws, p_builder, p_key, p_hash, refusal, p_now);
    -- spend controls: the pool could not serve a hold
    PERFORM cc_threshold_crossed(p_ws, 'depleted', p_amount, p_now);
    RETURN;
  END IF;
  -- The workspace row is locked, so the balances read above are still the grants' own.
  FOR i IN 1 .. array_length(active, 1) LOOP
    EXIT WHEN remaining = 0;
    take := least(active[i].available, remaining);
    remaining := remaining - take;
    grant_ids[i] := active[i].id;
    takes[i] := take;
    UPDATE grants SET available = available - take, held = held + take WHERE id = active[i].id;
    IF active[i].pool = 'monthly' THEN
      from_monthly := from_monthly + take;
      -- spend controls: the monthly grant before this hold (it comes first)
      v_monthly_granted := active[i].granted;
      v_monthly_left := active[i].available;
      v_monthly_used := active[i].granted - active[i].expired - active[i].available;
    ELSE from_addon := from_addon + take; END IF;
  END LOOP;
  IF remaining > 0 THEN
    RAISE EXCEPTION 'credit-chat: reserve short by %', remaining USING ERRCODE = 'P0001';
  END IF;
  -- spend controls: the thresholds this hold crossed
  IF from_monthly > 0 THEN
    FOREACH v_percent IN ARRAY coalesce(v_percents, '{}') LOOP
      IF v_monthly_used::numeric * 100 < v_percent::numeric * v_monthly_granted
         AND (v_monthly_used + from_monthly)::numeric * 100 >= v_percent::numeric * v_monthly_granted THEN
        PERFORM cc_threshold_crossed(p_ws, 'monthly:' || v_percent, NULL, p_now);
      END IF;
    END LOOP;
  END IF;
  IF from_addon > 0 AND avail - v_monthly_left >= v_floor AND avail - v_monthly_left - from_addon < v_floor THEN
    PERFORM cc_threshold_crossed(p_ws, 'addon_below', NULL, p_now);
  END IF;
  IF avail = p_amount THEN PERFORM cc_threshold_crossed(p_ws, 'depleted', NULL, p_now); END IF;
  IF v_used < v_limit AND v_used + p_amount >= v_limit THEN
    PERFORM cc_limit_reached(p_ws, p_builder, v_used + p_amount, v_limit, v_mode, NULL, p_now);
  END IF;
  IF p_remember THEN
    opened := jsonb_build_object('status', 200, 'hold', jsonb_build_object('id', p_hold, 'status', 'pending',
      'operation', p_operation, 'amount', p_amount, 'fromMonthly', from_monthly, 'fromAddon', from_addon,
      'expiresAt', cc_iso(p_expires_at), 'createdAt', cc_iso(p_now)));
  END IF;
  -- One statement: the foreign keys of the entries are checked at its end, when the hold is there.
  -- spend controls: spend_period (with limits on) counts the hold in builder_spend
  WITH hold AS (
    INSERT INTO holds (id, workspace_id, builder, operation, status, amount, from_monthly, from_addon, expires_at, created_at, spend_period)
    VALUES (p_hold, p_ws, p_builder, p_operation, 'pending', p_amount, from_monthly, from_addon, p_expires_at, p_now, v_period)),
  parts AS (
    INSERT INTO entries (workspace_id, grant_id, hold_id, kind, amount, created_at)
    SELECT p_ws, p.grant_id, p_hold, 'hold', p.take, p_now
    FROM unnest(grant_ids, takes) WITH ORDINALITY AS p (grant_id, take, n) ORDER BY p.n)
  INSERT INTO idempotency_keys (workspace_id, builder, key, request_hash, result, created_at)
  SELECT p_ws, p_builder, p_key, p_hash, opened, p_now WHERE p_remember;
END $$;
`;
