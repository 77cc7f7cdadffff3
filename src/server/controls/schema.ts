/**
 * Part of migration 4 (see store/migrations.ts): what the ledger's changes tell the outbox.
 * Triggers on the ledger's append-only entries write the events of grants and expiries in
 * the statement that wrote the entry, so in the ledger's own locked transaction.
 */
export const CONTROLS_SCHEMA = /* sql */ `
-- A grant entry (an add-on purchase, a cycle's monthly grant) is credits.added; an expire
-- entry (what was left on a grant past its date) is credits.expired.
CREATE FUNCTION cc_entry_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE g grants%ROWTYPE;
BEGIN
  SELECT * INTO g FROM grants WHERE id = NEW.grant_id;
  IF NEW.kind = 'grant' THEN
    PERFORM cc_emit(NEW.workspace_id, 'credits.added', jsonb_build_object('pool', g.pool, 'credits', cc_credits(NEW.amount),
      'grantId', g.id, 'reference', g.reference, 'expiresAt', cc_iso(g.expires_at),
      'balance', cc_event_balance(NEW.workspace_id, NEW.created_at)), NEW.created_at);
  ELSE
    PERFORM cc_emit(NEW.workspace_id, 'credits.expired', jsonb_build_object('pool', g.pool, 'credits', cc_credits(NEW.amount),
      'grantId', g.id, 'balance', cc_event_balance(NEW.workspace_id, NEW.created_at)), NEW.created_at);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER entries_events AFTER INSERT ON entries FOR EACH ROW WHEN (NEW.kind IN ('grant', 'expire'))
  EXECUTE FUNCTION cc_entry_events();
`;
