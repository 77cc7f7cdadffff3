/**
 * Migration 3 of the store (see store/migrations.ts): BYOK keys, conversations with their
 * messages, and one row per metered AI request: its idempotency key, its hold, how it
 * finished and what a replay of the key answers.
 */
export const AI_SCHEMA = /* sql */ `
CREATE TABLE byok_keys (
  workspace_id    text PRIMARY KEY REFERENCES workspaces (id),
  provider        text NOT NULL CHECK (provider IN ('openai', 'anthropic')),
  model           text,
  base_url        text,
  -- AES-256-GCM under a key derived from CREDIT_CHAT_SECRET: v1.<iv>.<tag>.<ciphertext>
  key_ciphertext  text NOT NULL,
  key_hint        text NOT NULL,
  updated_by      text NOT NULL,
  updated_at      timestamptz NOT NULL
);

CREATE TABLE conversations (
  id             text PRIMARY KEY,
  workspace_id   text NOT NULL REFERENCES workspaces (id),
  builder        text NOT NULL,
  title          text NOT NULL,
  operation      text NOT NULL,
  message_count  integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX conversations_by_builder ON conversations (workspace_id, builder, updated_at DESC, id DESC);

CREATE TABLE messages (
  id               text PRIMARY KEY,
  conversation_id  text NOT NULL REFERENCES conversations (id),
  seq              integer NOT NULL,
  role             text NOT NULL CHECK (role IN ('user', 'assistant')),
  operation        text NOT NULL,
  content          text NOT NULL,
  status           text NOT NULL CHECK (status IN ('streaming', 'complete', 'stopped', 'failed')),
  receipt_id       text REFERENCES receipts (id),
  -- the receipt as the API answered it; receipts are append-only, so the copy never goes stale
  receipt          jsonb,
  created_at       timestamptz NOT NULL,
  CONSTRAINT messages_in_order UNIQUE (conversation_id, seq)
);

CREATE TABLE ai_requests (
  workspace_id     text NOT NULL REFERENCES workspaces (id),
  builder          text NOT NULL,
  idempotency_key  text NOT NULL,
  request_hash     text NOT NULL,
  operation        text NOT NULL,
  attempt          integer NOT NULL DEFAULT 1,
  state            text NOT NULL CHECK (state IN ('running', 'done', 'retryable')),
  hold_id          text REFERENCES holds (id),
  conversation_id  text REFERENCES conversations (id),
  message_id       text REFERENCES messages (id),
  finish           text CHECK (finish IN ('complete', 'stopped', 'failed')),
  output_tokens    integer,
  result           jsonb,
  started_at       timestamptz NOT NULL,
  settled_at       timestamptz,
  PRIMARY KEY (workspace_id, builder, idempotency_key)
);
-- What learned estimates read: the output tokens of a type's recent complete answers.
CREATE INDEX ai_requests_completed ON ai_requests (workspace_id, operation, settled_at DESC) WHERE finish = 'complete';
`;
