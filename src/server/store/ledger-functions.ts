/**
 * Migration 2: the ledger's state changes as SQL functions. Each is called as one statement,
 * so each change is one round trip and one short transaction with the workspace row locked.
 *
 * Written for few statements on the hot path (a hold, a capture), because the database's CPU
 * per statement is what bounds throughput: helpers are PL/pgSQL, whose plans are cached per
 * session, and are called as plain expressions (\`x := f()\`, not \`SELECT * INTO x FROM f()\`,
 * which starts an executor and a tuplestore); rows are read once and results are built from
 * values at hand rather than read back. Helpers that read are VOLATILE on purpose: a STABLE
 * function sees the snapshot of the statement that called it, which misses what the same call
 * has just written.
 */
export const LEDGER_FUNCTIONS = /* sql */ `
CREATE FUNCTION cc_new_id(prefix text) RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT prefix || '_' || replace(gen_random_uuid()::text, '-', '')
$$;

-- STABLE like to_char: PostgreSQL inlines a SQL function only when it is declared no less
-- volatile than its body; declared IMMUTABLE it would be parsed and planned on every call.
CREATE FUNCTION cc_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- Moves what is left available on expired grants to expired.
CREATE FUNCTION cc_expire_grants(p_ws text, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE g record;
BEGIN
  FOR g IN SELECT id, available FROM grants
           WHERE workspace_id = p_ws AND expires_at <= p_now AND available > 0 ORDER BY id LOOP
    UPDATE grants SET expired = expired + g.available, available = 0 WHERE id = g.id;
    INSERT INTO entries (workspace_id, grant_id, kind, amount, created_at)
    VALUES (p_ws, g.id, 'expire', g.available, p_now);
  END LOOP;
END $$;

-- Settles a pending hold: captures up to p_capture from its parts (the hold's 'hold' entries,
-- monthly parts first, as they were taken) and releases the rest. Returns the captured split.
CREATE FUNCTION cc_settle_hold(p_ws text, p_hold text, p_capture bigint, p_status text, p_receipt text, p_now timestamptz,
                               OUT from_monthly bigint, OUT from_addon bigint)
LANGUAGE plpgsql AS $$
DECLARE
  part record;
  remaining bigint := p_capture;
  take bigint;
  grant_ids text[] := '{}';
  takes bigint[] := '{}';
  releases bigint[] := '{}';
  released_to_expired boolean := false;
BEGIN
  from_monthly := 0;
  from_addon := 0;
  FOR part IN SELECT e.grant_id, e.amount, g.pool, g.expires_at <= p_now AS grant_expired
              FROM entries e JOIN grants g ON g.id = e.grant_id
              WHERE e.hold_id = p_hold AND e.kind = 'hold' ORDER BY e.id LOOP
    take := least(part.amount, remaining);
    remaining := remaining - take;
    UPDATE grants SET held = held - part.amount,
                      captured = captured + take,
                      available = available + (part.amount - take)
    WHERE id = part.grant_id;
    grant_ids := grant_ids || part.grant_id;
    takes := takes || take;
    releases := releases || (part.amount - take);
    IF part.pool = 'monthly' THEN from_monthly := from_monthly + take; ELSE from_addon := from_addon + take; END IF;
    released_to_expired := released_to_expired OR (part.amount > take AND part.grant_expired);
  END LOOP;
  WITH written AS (
    INSERT INTO entries (workspace_id, grant_id, hold_id, kind, amount, created_at)
    SELECT p_ws, p.grant_id, p_hold, m.kind, m.amount, p_now
    FROM unnest(grant_ids, takes, releases) WITH ORDINALITY AS p (grant_id, take, release, n)
    CROSS JOIN LATERAL (VALUES (1, 'capture', p.take), (2, 'release', p.release)) AS m (k, kind, amount)
    WHERE m.amount > 0 ORDER BY p.n, m.k)
  UPDATE holds SET status = p_status, captured = p_capture, receipt_id = p_receipt, settled_at = p_now WHERE id = p_hold;
  -- A part released back to a grant that expired meanwhile expires at once.
  IF released_to_expired THEN PERFORM cc_expire_grants(p_ws, p_now); END IF;
END $$;

-- Locks the workspace and brings it up to date: when its due time has come, releases its due
-- holds, expires its due grants and computes the next due time; unless its row says the
-- current cycle's monthly grant is open, opens it (idempotent by cycle). So a request that
-- finds nothing due runs one statement here, not three. With a builder's token hash, the
-- token must still be valid for the workspace: revocation takes effect in the same statement,
-- whatever the caller has cached. Answers status_code 200, 401 or 404, and next_due.
CREATE FUNCTION cc_prepare(p_ws text, p_token text, p_now timestamptz, p_cycle_start timestamptz, p_cycle_end timestamptz,
                           OUT status_code integer, OUT next_due timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  token_ok boolean;
  was_due timestamptz;
  open_cycle timestamptz;
  was_open timestamptz;
  h record;
  lic licenses%ROWTYPE;
  v_grant text;
  v_amount bigint;
BEGIN
  -- FOR UPDATE answers the row as the holder of the lock we waited for left it.
  SELECT p_token IS NULL OR EXISTS (SELECT 1 FROM builder_tokens t
           WHERE t.token_hash = p_token AND t.workspace_id = w.id AND t.revoked_at IS NULL),
         w.due_at, w.monthly_cycle_start
  INTO token_ok, was_due, was_open FROM workspaces w WHERE w.id = p_ws FOR UPDATE OF w;
  IF NOT FOUND THEN status_code := 404; RETURN; END IF;
  IF NOT token_ok THEN status_code := 401; RETURN; END IF;
  status_code := 200;
  next_due := was_due;
  open_cycle := was_open;
  IF was_due <= p_now THEN
    FOR h IN SELECT id FROM holds WHERE workspace_id = p_ws AND status = 'pending' AND expires_at <= p_now ORDER BY id LOOP
      PERFORM cc_settle_hold(p_ws, h.id, 0, 'expired', NULL, p_now);
    END LOOP;
    PERFORM cc_expire_grants(p_ws, p_now);
    -- What can come due: a pending hold, or a live grant with credits available or held (a
    -- release makes held credits available again).
    next_due := least(
      (SELECT min(expires_at) FROM holds WHERE workspace_id = p_ws AND status = 'pending'),
      (SELECT min(expires_at) FROM grants WHERE workspace_id = p_ws AND expires_at > p_now AND (available > 0 OR held > 0)));
  END IF;
  IF p_cycle_start <= p_now AND p_now < p_cycle_end AND p_cycle_start IS DISTINCT FROM was_open
     AND NOT EXISTS (SELECT 1 FROM grants WHERE workspace_id = p_ws AND pool = 'monthly'
                     AND starts_at <= p_now AND expires_at > p_now) THEN
    SELECT * INTO lic FROM licenses WHERE workspace_id = p_ws;
    IF FOUND THEN
      v_amount := lic.builders::bigint * lic.credits_per_builder;
      INSERT INTO grants (id, workspace_id, pool, cycle_start, granted, available, starts_at, expires_at, created_at)
      VALUES (cc_new_id('g'), p_ws, 'monthly', p_cycle_start, v_amount, v_amount, p_cycle_start, p_cycle_end, p_now)
      ON CONFLICT (workspace_id, cycle_start) DO NOTHING
      RETURNING id INTO v_grant;
      IF v_grant IS NOT NULL THEN
        open_cycle := p_cycle_start;
        IF v_amount > 0 THEN
          INSERT INTO entries (workspace_id, grant_id, kind, amount, created_at) VALUES (p_ws, v_grant, 'grant', v_amount, p_now);
          next_due := least(next_due, p_cycle_end);
        END IF;
      END IF;
    END IF;
  END IF;
  IF next_due IS DISTINCT FROM was_due OR open_cycle IS DISTINCT FROM was_open THEN
    UPDATE workspaces SET due_at = next_due, monthly_cycle_start = open_cycle WHERE id = p_ws;
  END IF;
END $$;

-- The balance as a one-row table: a STABLE SQL function used in FROM is inlined into the
-- statement that uses it, so a receipt reads the balance in the statement that writes it.
CREATE FUNCTION cc_balance_now(p_ws text, p_now timestamptz) RETURNS TABLE (balance jsonb) LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'monthlyAllocated', coalesce(sum(granted) FILTER (WHERE pool = 'monthly' AND active), 0),
    'monthlyAvailable', coalesce(sum(available) FILTER (WHERE pool = 'monthly' AND active), 0),
    'monthlyRenewsAt', cc_iso(max(expires_at) FILTER (WHERE pool = 'monthly' AND active)),
    'addonAvailable', coalesce(sum(available) FILTER (WHERE pool = 'addon' AND active), 0),
    'addonExpiresAt', cc_iso(max(expires_at) FILTER (WHERE pool = 'addon' AND active AND (available > 0 OR held > 0))),
    'held', coalesce(sum(held), 0),
    'asOf', cc_iso(p_now))
  FROM (SELECT *, starts_at <= p_now AND expires_at > p_now AS active FROM grants WHERE workspace_id = p_ws) g
$$;

CREATE FUNCTION cc_hold_json(p_hold text) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT jsonb_build_object('id', id, 'status', status, 'operation', operation, 'amount', amount,
    'fromMonthly', from_monthly, 'fromAddon', from_addon, 'expiresAt', cc_iso(expires_at), 'createdAt', cc_iso(created_at))
  FROM holds WHERE id = p_hold);
END $$;

CREATE FUNCTION cc_receipt_json(p_receipt text) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT jsonb_build_object('id', id, 'operation', operation, 'credits', credits, 'fromMonthly', from_monthly,
    'fromAddon', from_addon, 'balance', balance, 'createdAt', cc_iso(created_at), 'holdId', hold_id,
    'byok', byok, 'provider', provider, 'model', model, 'inputTokens', input_tokens, 'outputTokens', output_tokens,
    'estimateExpected', estimate_expected, 'estimateMax', estimate_max, 'builder', builder, 'description', description)
  FROM receipts WHERE id = p_receipt);
END $$;

-- GET /balance: prepares the workspace, then reads its balance.
CREATE FUNCTION cc_current_balance(p_ws text, p_token text, p_now timestamptz, p_cycle_start timestamptz, p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_status integer := (cc_prepare(p_ws, p_token, p_now, p_cycle_start, p_cycle_end)).status_code;
BEGIN
  IF v_status <> 200 THEN RETURN jsonb_build_object('status', v_status); END IF;
  RETURN jsonb_build_object('status', 200, 'balance', (SELECT balance FROM cc_balance_now(p_ws, p_now)));
END $$;

-- The first half of a hold and of a debit, after cc_prepare. Answers in \`refusal\` the stored
-- result of a replayed key (or 422 for other parameters), or a 402 that it remembers under the
-- key; or else hold p_hold exists and has reserved p_amount from the active grants, monthly
-- first, then add-on by expiry then creation, from_monthly/from_addon say how, and \`opened\`
-- is the answer of POST /holds, remembered under the key when p_remember (a debit remembers
-- its receipt instead, once it has one).
CREATE FUNCTION cc_open_hold(p_ws text, p_builder text, p_key text, p_hash text, p_hold text, p_operation text,
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
BEGIN
  from_monthly := 0;
  from_addon := 0;
  SELECT (SELECT CASE WHEN request_hash = p_hash THEN result || '{"replayed": true}'::jsonb
                      ELSE jsonb_build_object('status', 422, 'code', 'idempotency_mismatch') END
          FROM idempotency_keys WHERE workspace_id = p_ws AND builder = p_builder AND key = p_key),
         a.grants, a.total
  INTO refusal, active, avail
  FROM (SELECT array_agg(g ORDER BY (g.pool = 'addon'), g.expires_at, g.created_at, g.id) AS grants,
               coalesce(sum(g.available), 0)::bigint AS total
        FROM grants g WHERE g.workspace_id = p_ws AND g.starts_at <= p_now AND g.expires_at > p_now AND g.available > 0) a;
  IF refusal IS NOT NULL THEN RETURN; END IF;
  IF avail < p_amount THEN
    refusal := jsonb_build_object('status', 402, 'code', 'insufficient_credits', 'needed', p_amount, 'available', avail);
    INSERT INTO idempotency_keys (workspace_id, builder, key, request_hash, result, created_at)
    VALUES (p_ws, p_builder, p_key, p_hash, refusal, p_now);
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
    IF active[i].pool = 'monthly' THEN from_monthly := from_monthly + take; ELSE from_addon := from_addon + take; END IF;
  END LOOP;
  IF remaining > 0 THEN
    RAISE EXCEPTION 'credit-chat: reserve short by %', remaining USING ERRCODE = 'P0001';
  END IF;
  IF p_remember THEN
    opened := jsonb_build_object('status', 200, 'hold', jsonb_build_object('id', p_hold, 'status', 'pending',
      'operation', p_operation, 'amount', p_amount, 'fromMonthly', from_monthly, 'fromAddon', from_addon,
      'expiresAt', cc_iso(p_expires_at), 'createdAt', cc_iso(p_now)));
  END IF;
  -- One statement: the foreign keys of the entries are checked at its end, when the hold is there.
  WITH hold AS (
    INSERT INTO holds (id, workspace_id, builder, operation, status, amount, from_monthly, from_addon, expires_at, created_at)
    VALUES (p_hold, p_ws, p_builder, p_operation, 'pending', p_amount, from_monthly, from_addon, p_expires_at, p_now)),
  parts AS (
    INSERT INTO entries (workspace_id, grant_id, hold_id, kind, amount, created_at)
    SELECT p_ws, p.grant_id, p_hold, 'hold', p.take, p_now
    FROM unnest(grant_ids, takes) WITH ORDINALITY AS p (grant_id, take, n) ORDER BY p.n)
  INSERT INTO idempotency_keys (workspace_id, builder, key, request_hash, result, created_at)
  SELECT p_ws, p_builder, p_key, p_hash, opened, p_now WHERE p_remember;
END $$;

-- Writes the receipt of a settled operation and answers it; p_usage carries provider, model,
-- tokens and estimate. p_hold is null for an operation paid with the workspace's own key.
CREATE FUNCTION cc_write_receipt(p_receipt text, p_ws text, p_hold text, p_builder text, p_operation text, p_from_monthly bigint,
                                 p_from_addon bigint, p_byok boolean, p_description text, p_usage jsonb, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_balance jsonb;
BEGIN
  INSERT INTO receipts (id, workspace_id, builder, hold_id, operation, credits, from_monthly, from_addon, byok, description,
                        provider, model, input_tokens, output_tokens, estimate_expected, estimate_max, balance, created_at)
  SELECT p_receipt, p_ws, p_builder, p_hold, p_operation, p_from_monthly + p_from_addon, p_from_monthly, p_from_addon,
         p_byok, p_description, p_usage->>'provider', p_usage->>'model', (p_usage->>'inputTokens')::integer,
         (p_usage->>'outputTokens')::integer, (p_usage->>'estimateExpected')::bigint, (p_usage->>'estimateMax')::bigint,
         b.balance, p_now
  FROM cc_balance_now(p_ws, p_now) b
  RETURNING balance INTO v_balance;
  RETURN jsonb_build_object('id', p_receipt, 'operation', p_operation, 'credits', p_from_monthly + p_from_addon,
    'fromMonthly', p_from_monthly, 'fromAddon', p_from_addon, 'balance', v_balance, 'createdAt', cc_iso(p_now),
    'holdId', p_hold, 'byok', p_byok, 'provider', p_usage->>'provider', 'model', p_usage->>'model',
    'inputTokens', (p_usage->>'inputTokens')::integer, 'outputTokens', (p_usage->>'outputTokens')::integer,
    'estimateExpected', (p_usage->>'estimateExpected')::bigint, 'estimateMax', (p_usage->>'estimateMax')::bigint,
    'builder', p_builder, 'description', p_description);
END $$;

-- Captures p_amount of a pending hold, releases the rest and answers the receipt.
CREATE FUNCTION cc_capture_hold(p_ws text, p_hold text, p_builder text, p_operation text, p_amount bigint,
                                p_description text, p_usage jsonb, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_receipt text := cc_new_id('rcpt');
  split record;
BEGIN
  split := cc_settle_hold(p_ws, p_hold, p_amount, 'captured', v_receipt, p_now);
  RETURN cc_write_receipt(v_receipt, p_ws, p_hold, p_builder, p_operation, split.from_monthly, split.from_addon,
                          false, p_description, p_usage, p_now);
END $$;

-- POST /holds. Result: {status: 200, hold} | {status: 402, needed, available} | 401 | 404 | 422.
CREATE FUNCTION cc_create_hold(p_ws text, p_token text, p_builder text, p_key text, p_hash text, p_operation text,
                               p_amount bigint, p_ttl_seconds integer, p_now timestamptz,
                               p_cycle_start timestamptz, p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_prepared record := cc_prepare(p_ws, p_token, p_now, p_cycle_start, p_cycle_end);
  v_hold text := cc_new_id('hold');
  v_expires timestamptz := p_now + make_interval(secs => p_ttl_seconds);
  opened record;
BEGIN
  IF v_prepared.status_code <> 200 THEN RETURN jsonb_build_object('status', v_prepared.status_code); END IF;
  opened := cc_open_hold(p_ws, p_builder, p_key, p_hash, v_hold, p_operation, p_amount, v_expires, p_now, true);
  IF opened.refusal IS NOT NULL THEN RETURN opened.refusal; END IF;
  IF v_prepared.next_due IS NULL OR v_expires < v_prepared.next_due THEN
    UPDATE workspaces SET due_at = v_expires WHERE id = p_ws;
  END IF;
  RETURN opened.opened;
END $$;

-- The pending hold a capture or void acts on, after cc_prepare; or why there is none:
-- {status: 401 | 404} or {status: 409, holdStatus, receipt} for a hold already settled.
CREATE FUNCTION cc_pending_hold(p_ws text, p_token text, p_hold text, p_now timestamptz,
                                p_cycle_start timestamptz, p_cycle_end timestamptz,
                                OUT refusal jsonb, OUT hold holds)
LANGUAGE plpgsql AS $$
DECLARE v_status integer := (cc_prepare(p_ws, p_token, p_now, p_cycle_start, p_cycle_end)).status_code;
BEGIN
  IF v_status <> 200 THEN refusal := jsonb_build_object('status', v_status); RETURN; END IF;
  SELECT * INTO hold FROM holds WHERE id = p_hold AND workspace_id = p_ws;
  IF NOT FOUND THEN refusal := '{"status": 404}'::jsonb; RETURN; END IF;
  IF hold.status <> 'pending' THEN
    refusal := jsonb_build_object('status', 409, 'holdStatus', hold.status,
      'receipt', CASE WHEN hold.receipt_id IS NULL THEN NULL ELSE cc_receipt_json(hold.receipt_id) END);
  END IF;
END $$;

-- POST /holds/{id}/capture. Result: {status: 200, receipt} | 400 (more than held) | 401 | 404 | 409 {holdStatus}.
CREATE FUNCTION cc_capture(p_ws text, p_token text, p_hold text, p_amount bigint, p_usage jsonb, p_now timestamptz,
                           p_cycle_start timestamptz, p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE pending record;
BEGIN
  pending := cc_pending_hold(p_ws, p_token, p_hold, p_now, p_cycle_start, p_cycle_end);
  IF pending.refusal IS NOT NULL THEN RETURN pending.refusal; END IF;
  IF p_amount > (pending.hold).amount THEN
    RETURN jsonb_build_object('status', 400, 'field', 'credits', 'held', (pending.hold).amount);
  END IF;
  RETURN jsonb_build_object('status', 200, 'receipt',
    cc_capture_hold(p_ws, p_hold, (pending.hold).builder, (pending.hold).operation, p_amount, NULL, p_usage, p_now));
END $$;

-- POST /holds/{id}/void. Result: {status: 200, hold} | 401 | 404 | 409 {holdStatus}.
CREATE FUNCTION cc_void(p_ws text, p_token text, p_hold text, p_now timestamptz, p_cycle_start timestamptz, p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE pending record;
BEGIN
  pending := cc_pending_hold(p_ws, p_token, p_hold, p_now, p_cycle_start, p_cycle_end);
  IF pending.refusal IS NOT NULL THEN RETURN pending.refusal; END IF;
  PERFORM cc_settle_hold(p_ws, p_hold, 0, 'voided', NULL, p_now);
  RETURN jsonb_build_object('status', 200, 'hold', cc_hold_json(p_hold));
END $$;

-- POST /debits: hold and capture in one step. Result: {status: 200, receipt} | 401 | 402 | 404 | 422.
CREATE FUNCTION cc_debit(p_ws text, p_token text, p_builder text, p_key text, p_hash text, p_operation text, p_amount bigint,
                         p_description text, p_usage jsonb, p_now timestamptz,
                         p_cycle_start timestamptz, p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_status integer := (cc_prepare(p_ws, p_token, p_now, p_cycle_start, p_cycle_end)).status_code;
  v_hold text := cc_new_id('hold');
  opened record;
  v_result jsonb;
BEGIN
  IF v_status <> 200 THEN RETURN jsonb_build_object('status', v_status); END IF;
  opened := cc_open_hold(p_ws, p_builder, p_key, p_hash, v_hold, p_operation, p_amount, p_now, p_now, false);
  IF opened.refusal IS NOT NULL THEN RETURN opened.refusal; END IF;
  v_result := jsonb_build_object('status', 200, 'receipt',
    cc_capture_hold(p_ws, v_hold, p_builder, p_operation, p_amount, p_description, p_usage, p_now));
  INSERT INTO idempotency_keys (workspace_id, builder, key, request_hash, result, created_at)
  VALUES (p_ws, p_builder, p_key, p_hash, v_result, p_now);
  RETURN v_result;
END $$;

-- An operation paid by the workspace's own key: no credits move, the usage is recorded.
CREATE FUNCTION cc_record_byok(p_ws text, p_token text, p_builder text, p_operation text, p_usage jsonb, p_now timestamptz,
                               p_cycle_start timestamptz, p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_status integer := (cc_prepare(p_ws, p_token, p_now, p_cycle_start, p_cycle_end)).status_code;
BEGIN
  IF v_status <> 200 THEN RETURN jsonb_build_object('status', v_status); END IF;
  RETURN jsonb_build_object('status', 200, 'receipt',
    cc_write_receipt(cc_new_id('rcpt'), p_ws, NULL, p_builder, p_operation, 0, 0, true, NULL, p_usage, p_now));
END $$;

-- POST /admin/workspaces/{id}/addons: a purchase, idempotent by reference. Moves the validity
-- of the whole add-on pool to one year after this purchase.
CREATE FUNCTION cc_add_addon(p_ws text, p_amount bigint, p_reference text, p_now timestamptz, p_expires_at timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  existing grants%ROWTYPE;
  v_grant text := cc_new_id('g');
BEGIN
  IF (cc_prepare(p_ws, NULL, p_now, NULL, NULL)).status_code <> 200 THEN RETURN '{"status": 404}'::jsonb; END IF;
  SELECT * INTO existing FROM grants WHERE workspace_id = p_ws AND reference = p_reference;
  IF FOUND THEN
    IF existing.granted <> p_amount THEN RETURN jsonb_build_object('status', 422, 'code', 'idempotency_mismatch'); END IF;
    RETURN jsonb_build_object('status', 200, 'replayed', true, 'grant', jsonb_build_object('id', existing.id,
      'amount', existing.granted, 'reference', existing.reference, 'purchasedAt', cc_iso(existing.created_at),
      'expiresAt', cc_iso(existing.expires_at)));
  END IF;
  UPDATE grants SET expires_at = p_expires_at
  WHERE workspace_id = p_ws AND pool = 'addon' AND expires_at > p_now AND expires_at < p_expires_at;
  INSERT INTO grants (id, workspace_id, pool, reference, granted, available, starts_at, expires_at, created_at)
  VALUES (v_grant, p_ws, 'addon', p_reference, p_amount, p_amount, p_now, p_expires_at, p_now);
  INSERT INTO entries (workspace_id, grant_id, kind, amount, created_at) VALUES (p_ws, v_grant, 'grant', p_amount, p_now);
  UPDATE workspaces SET due_at = least(due_at, p_expires_at) WHERE id = p_ws;
  RETURN jsonb_build_object('status', 200, 'grant', jsonb_build_object('id', v_grant, 'amount', p_amount,
    'reference', p_reference, 'purchasedAt', cc_iso(p_now), 'expiresAt', cc_iso(p_expires_at)));
END $$;
`;
