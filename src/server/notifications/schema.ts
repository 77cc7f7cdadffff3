/**
 * Part of migration 4 (see store/migrations.ts): the outbox and the webhook endpoints.
 *
 * An event is written by cc_emit inside the ledger statement whose change caused it, with one
 * delivery row per endpoint that wants it: so an event exists exactly when its change
 * committed (none lost when the server dies, none for a change that rolled back). The
 * delivery worker (delivery.ts) claims due deliveries with FOR UPDATE SKIP LOCKED, so any
 * number of server processes share the work; pg_notify wakes them when the change commits.
 */
export const WEBHOOK_CHANNEL = 'credit_chat_webhooks';

export const OUTBOX_SCHEMA = /* sql */ `
CREATE TABLE webhook_endpoints (
  id                      text PRIMARY KEY,
  workspace_id            text NOT NULL REFERENCES workspaces (id),
  url                     text NOT NULL,
  -- the event types it wants; NULL for all of them
  events                  text[],
  -- whsec_ + base64: signs every delivery; after a rotation the previous one signs too, for a day
  secret                  text NOT NULL,
  previous_secret         text,
  previous_secret_until   timestamptz,
  created_at              timestamptz NOT NULL,
  deleted_at              timestamptz
);
CREATE INDEX webhook_endpoints_live ON webhook_endpoints (workspace_id) WHERE deleted_at IS NULL;

-- The outbox: what happened, append-only. The id is the webhook-id of every delivery of it.
CREATE TABLE outbox_events (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  type          text NOT NULL,
  data          jsonb NOT NULL,
  created_at    timestamptz NOT NULL
);
CREATE INDEX outbox_events_by_workspace ON outbox_events (workspace_id, created_at);
CREATE TRIGGER outbox_events_append_only BEFORE UPDATE OR DELETE ON outbox_events FOR EACH ROW EXECUTE FUNCTION cc_refuse_change();

-- One event's delivery to one endpoint. A claim moves next_attempt_at past the attempt's
-- deadline (a lease): a worker that dies mid-attempt leaves the delivery due again later.
CREATE TABLE webhook_deliveries (
  endpoint_id      text NOT NULL REFERENCES webhook_endpoints (id),
  event_id         text NOT NULL REFERENCES outbox_events (id),
  status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz,
  last_attempt_at  timestamptz,
  last_status      integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (endpoint_id, event_id),
  CONSTRAINT webhook_deliveries_due_when_pending CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, created_at DESC, event_id DESC);

-- Credits as the API writes them: a JSON number with at most three decimals.
CREATE FUNCTION cc_credits(p_milli bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
  SELECT trim_scale(p_milli::numeric / 1000)
$$;

-- The workspace's balance in an event's data, in credits.
CREATE FUNCTION cc_event_balance(p_ws text, p_now timestamptz) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE b jsonb := (SELECT balance FROM cc_balance_now(p_ws, p_now));
BEGIN
  RETURN jsonb_build_object(
    'total', cc_credits((b->>'monthlyAvailable')::bigint + (b->>'addonAvailable')::bigint),
    'held', cc_credits((b->>'held')::bigint),
    'monthly', jsonb_build_object('allocated', cc_credits((b->>'monthlyAllocated')::bigint),
      'available', cc_credits((b->>'monthlyAvailable')::bigint), 'renewsAt', b->'monthlyRenewsAt'),
    'addon', jsonb_build_object('available', cc_credits((b->>'addonAvailable')::bigint), 'expiresAt', b->'addonExpiresAt'));
END $$;

-- Writes an event to the outbox with a delivery for each endpoint that wants it, in the
-- caller's transaction; the notification reaches the delivery workers when it commits.
CREATE FUNCTION cc_emit(p_ws text, p_type text, p_data jsonb, p_now timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v_id text := cc_new_id('msg');
BEGIN
  INSERT INTO outbox_events (id, workspace_id, type, data, created_at)
  VALUES (v_id, p_ws, p_type, jsonb_build_object('workspaceId', p_ws) || p_data, p_now);
  INSERT INTO webhook_deliveries (endpoint_id, event_id, status, next_attempt_at, created_at)
  SELECT e.id, v_id, 'pending', p_now, p_now FROM webhook_endpoints e
  WHERE e.workspace_id = p_ws AND e.deleted_at IS NULL AND (e.events IS NULL OR p_type = ANY (e.events));
  IF FOUND THEN PERFORM pg_notify('${WEBHOOK_CHANNEL}', ''); END IF;
  RETURN v_id;
END $$;
`;
