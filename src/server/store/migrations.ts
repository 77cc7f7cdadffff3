/**
 * The ledger's SQL schema, versioned. Each migration runs once, in its own transaction,
 * on PGlite and on PostgreSQL alike. Never edit a released migration: add a new one.
 *
 * Money is integer millicredits (bigint). Entries and receipts are append-only (triggers
 * refuse UPDATE, DELETE and TRUNCATE). Each grant caches its balances under CHECKs that
 * keep them non-negative and balanced: granted = captured + expired + held + available.
 *
 * The ledger's state changes are SQL functions so that each is one statement: one round
 * trip, one short transaction, the workspace row locked for its duration and no longer.
 */
import { AI_SCHEMA } from '../chat/schema.js';
import { CONTROLS_SCHEMA } from '../controls/schema.js';
import { OUTBOX_SCHEMA } from '../notifications/schema.js';
import { LEDGER_FUNCTIONS } from './ledger-functions.js';
import { LICENSE_CHANGE_SCHEMA } from '../ledger/license-schema.js';
import { PAYMENTS_SCHEMA } from '../payments/schema.js';
import { PURCHASE_EVENTS_SCHEMA } from '../payments/purchase-events.js';
import { AUTO_TOP_UP_SCHEMA } from '../payments/auto-top-up-schema.js';
import { BALANCE_ALERTS_SCHEMA } from '../controls/balance-alerts.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const schema = /* sql */ `
-- due_at: nothing of the workspace comes due before it (a pending hold's or a live grant's
-- expiry), NULL when nothing can; monthly_cycle_start: the cycle whose monthly grant is open.
-- Both spare each request the queries that would find out (cc_prepare).
CREATE TABLE workspaces (
  id                   text PRIMARY KEY,
  name                 text NOT NULL,
  time_zone            text NOT NULL,
  created_at           timestamptz NOT NULL,
  due_at               timestamptz,
  monthly_cycle_start  timestamptz
);
CREATE INDEX workspaces_due ON workspaces (due_at);

CREATE TABLE licenses (
  workspace_id         text PRIMARY KEY REFERENCES workspaces (id),
  builders             integer NOT NULL CHECK (builders > 0),
  credits_per_builder  bigint NOT NULL CHECK (credits_per_builder >= 0),
  cycle_anchor_day     integer NOT NULL CHECK (cycle_anchor_day BETWEEN 1 AND 31),
  updated_at           timestamptz NOT NULL
);

CREATE TABLE builder_tokens (
  token_hash    text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  builder       text NOT NULL,
  created_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);

CREATE TABLE grants (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  pool          text NOT NULL CHECK (pool IN ('monthly', 'addon')),
  cycle_start   timestamptz,
  reference     text,
  granted       bigint NOT NULL,
  available     bigint NOT NULL,
  held          bigint NOT NULL DEFAULT 0,
  captured      bigint NOT NULL DEFAULT 0,
  expired       bigint NOT NULL DEFAULT 0,
  starts_at     timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL,
  CONSTRAINT grants_non_negative CHECK (granted >= 0 AND available >= 0 AND held >= 0 AND captured >= 0 AND expired >= 0),
  CONSTRAINT grants_balanced CHECK (granted = captured + expired + held + available),
  CONSTRAINT grants_pool_shape CHECK ((pool = 'monthly') = (cycle_start IS NOT NULL) AND (pool = 'addon') = (reference IS NOT NULL)),
  CONSTRAINT grants_one_monthly_per_cycle UNIQUE (workspace_id, cycle_start),
  -- what an entry's (workspace, grant) key refers to: one check that the grant is the workspace's
  CONSTRAINT grants_of_workspace UNIQUE (workspace_id, id),
  CONSTRAINT grants_addon_reference UNIQUE (workspace_id, reference)
) WITH (fillfactor = 50);
-- A workspace's grant rows are updated by every hold and capture. No index may cover a
-- balance column, so those updates stay HOT (in-page) instead of bloating the indexes;
-- fillfactor leaves the page room for them.
CREATE INDEX grants_by_workspace_expiry ON grants (workspace_id, expires_at);

CREATE TABLE holds (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  builder       text NOT NULL,
  operation     text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'captured', 'voided', 'expired')),
  amount        bigint NOT NULL CHECK (amount > 0),
  from_monthly  bigint NOT NULL CHECK (from_monthly >= 0),
  from_addon    bigint NOT NULL CHECK (from_addon >= 0),
  captured      bigint NOT NULL DEFAULT 0 CHECK (captured >= 0),
  receipt_id    text,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL,
  settled_at    timestamptz,
  CONSTRAINT holds_split CHECK (from_monthly + from_addon = amount),
  CONSTRAINT holds_capture_within CHECK (captured <= amount)
);
CREATE INDEX holds_pending_by_workspace ON holds (workspace_id, expires_at) WHERE status = 'pending';

-- A hold's parts are its 'hold' entries: which grants it reserved from, how much, in order.
CREATE TABLE entries (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  text NOT NULL,
  grant_id      text NOT NULL,
  hold_id       text REFERENCES holds (id),
  kind          text NOT NULL CHECK (kind IN ('grant', 'hold', 'capture', 'release', 'expire')),
  amount        bigint NOT NULL CHECK (amount > 0),
  created_at    timestamptz NOT NULL,
  FOREIGN KEY (workspace_id, grant_id) REFERENCES grants (workspace_id, id)
);
CREATE INDEX entries_by_grant ON entries (grant_id);
CREATE INDEX entries_hold_parts ON entries (hold_id, id) WHERE kind = 'hold';

CREATE TABLE receipts (
  id                 text PRIMARY KEY,
  workspace_id       text NOT NULL REFERENCES workspaces (id),
  builder            text NOT NULL,
  hold_id            text REFERENCES holds (id),
  operation          text NOT NULL,
  credits            bigint NOT NULL CHECK (credits >= 0),
  from_monthly       bigint NOT NULL CHECK (from_monthly >= 0),
  from_addon         bigint NOT NULL CHECK (from_addon >= 0),
  byok               boolean NOT NULL DEFAULT false,
  description        text,
  provider           text,
  model              text,
  input_tokens       integer,
  output_tokens      integer,
  estimate_expected  bigint,
  estimate_max       bigint,
  balance            jsonb NOT NULL,
  created_at         timestamptz NOT NULL,
  CONSTRAINT receipts_split CHECK (from_monthly + from_addon = credits)
);
CREATE INDEX receipts_newest_first ON receipts (workspace_id, created_at DESC, id DESC);
CREATE INDEX receipts_by_operation ON receipts (workspace_id, operation, created_at DESC) WHERE NOT byok;

CREATE TABLE idempotency_keys (
  workspace_id  text NOT NULL REFERENCES workspaces (id),
  builder       text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  result        jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, builder, key)
);

CREATE FUNCTION cc_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit-chat: % is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION cc_refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT EXECUTE FUNCTION cc_refuse_change();
CREATE TRIGGER receipts_append_only BEFORE UPDATE OR DELETE ON receipts FOR EACH ROW EXECUTE FUNCTION cc_refuse_change();
CREATE TRIGGER receipts_no_truncate BEFORE TRUNCATE ON receipts FOR EACH STATEMENT EXECUTE FUNCTION cc_refuse_change();
`;

/**
 * Per-builder limits that hold across server processes on one PostgreSQL (http/limits.ts):
 * a token bucket per builder, updated in one statement, and one row per streaming slot with
 * a lease its process renews, so the slots of a process that died free themselves.
 */
const LIMITS_SCHEMA = `
CREATE TABLE rate_buckets (
  key      text PRIMARY KEY,
  tokens   double precision NOT NULL,
  at       timestamptz NOT NULL,
  allowed  boolean NOT NULL
);
CREATE TABLE stream_slots (
  key         text NOT NULL,
  slot        integer NOT NULL,
  holder      text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (key, slot)
);
CREATE INDEX stream_slots_by_holder ON stream_slots (holder);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'ledger schema', sql: schema },
  { version: 2, name: 'ledger functions', sql: LEDGER_FUNCTIONS },
  { version: 3, name: 'ai operations: byok keys, conversations, ai requests', sql: AI_SCHEMA },
  {
    version: 4,
    name: 'learned estimates: the instance history of each operation type',
    sql: `CREATE INDEX ai_requests_instance_completed ON ai_requests (operation, settled_at DESC) WHERE finish = 'complete';`,
  },
  { version: 5, name: 'purchases, payment events, who may buy', sql: PAYMENTS_SCHEMA },
  { version: 6, name: 'license changes mid-cycle', sql: LICENSE_CHANGE_SCHEMA },
  { version: 7, name: 'limits shared by server processes: rate buckets, stream slots', sql: LIMITS_SCHEMA },
  {
    version: 8,
    name: 'tokens that expire; allowed origins per workspace; conversation titles, deletion and feedback',
    sql: `ALTER TABLE builder_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE workspaces ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN deleted_at timestamptz, ADD COLUMN active_message_id text;
ALTER TABLE messages ADD COLUMN feedback jsonb, ADD COLUMN parent_id text REFERENCES messages (id);
-- the conversations so far are one branch each: every message follows the one before it
UPDATE messages m SET parent_id = p.id FROM messages p WHERE p.conversation_id = m.conversation_id AND p.seq = m.seq - 1;
UPDATE conversations c SET active_message_id = (SELECT id FROM messages m WHERE m.conversation_id = c.id ORDER BY seq DESC LIMIT 1);
CREATE INDEX messages_by_parent ON messages (parent_id);`,
  },
  { version: 9, name: 'spend controls and webhooks: outbox, endpoints, thresholds, builder limits', sql: OUTBOX_SCHEMA + CONTROLS_SCHEMA },
  { version: 10, name: 'purchase.paid and purchase.failed written by the purchase fulfilment', sql: PURCHASE_EVENTS_SCHEMA },
  { version: 11, name: 'auto top-up: saved payment methods, top-up requests decided in the hold', sql: AUTO_TOP_UP_SCHEMA },
  { version: 12, name: 'the thresholds crossed this cycle in GET /balance', sql: BALANCE_ALERTS_SCHEMA },
];
