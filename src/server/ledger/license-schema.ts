/**
 * Migration 5: license changes mid-cycle. cc_change_license locks the workspace, opens the
 * current cycle's monthly grant at the license as it was (so a cut cannot shrink a cycle
 * already under way), writes the new license, and adds the prorated raise computed by
 * proration.ts to the current monthly grant as a 'grant' entry. The caller names the license
 * it computed from; if another change came first, 409 and the caller computes again.
 */
export const LICENSE_CHANGE_SCHEMA = /* sql */ `
CREATE TABLE license_changes (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id             text NOT NULL REFERENCES workspaces (id),
  old_builders             integer,
  old_credits_per_builder  bigint,
  builders                 integer NOT NULL,
  credits_per_builder      bigint NOT NULL,
  effective                text NOT NULL CHECK (effective IN ('now', 'next_cycle')),
  prorated                 bigint NOT NULL CHECK (prorated >= 0),
  grant_id                 text,
  created_at               timestamptz NOT NULL
);
CREATE INDEX license_changes_by_workspace ON license_changes (workspace_id, created_at DESC);
CREATE TRIGGER license_changes_append_only BEFORE UPDATE OR DELETE ON license_changes FOR EACH ROW EXECUTE FUNCTION cc_refuse_change();

CREATE FUNCTION cc_change_license(p_ws text, p_old_builders integer, p_old_cpb bigint, p_builders integer, p_cpb bigint,
                                  p_anchor integer, p_effective text, p_prorated bigint, p_now timestamptz,
                                  p_cycle_start timestamptz, p_cycle_end timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  lic licenses%ROWTYPE;
  g grants%ROWTYPE;
  v_prorated bigint := 0;
  v_grant text;
  v_tz text;
BEGIN
  IF (cc_prepare(p_ws, NULL, p_now, p_cycle_start, p_cycle_end)).status_code <> 200 THEN RETURN '{"status": 404}'::jsonb; END IF;
  SELECT * INTO lic FROM licenses WHERE workspace_id = p_ws;
  IF (FOUND AND (lic.builders, lic.credits_per_builder) IS DISTINCT FROM (p_old_builders, p_old_cpb))
     OR (NOT FOUND AND p_old_builders IS NOT NULL) THEN
    RETURN '{"status": 409}'::jsonb;
  END IF;
  INSERT INTO licenses (workspace_id, builders, credits_per_builder, cycle_anchor_day, updated_at)
  VALUES (p_ws, p_builders, p_cpb, p_anchor, p_now)
  ON CONFLICT (workspace_id) DO UPDATE SET builders = EXCLUDED.builders, credits_per_builder = EXCLUDED.credits_per_builder,
    cycle_anchor_day = EXCLUDED.cycle_anchor_day, updated_at = EXCLUDED.updated_at;
  IF p_prorated > 0 THEN
    SELECT * INTO g FROM grants WHERE workspace_id = p_ws AND pool = 'monthly' AND cycle_start = p_cycle_start AND expires_at > p_now;
    IF FOUND THEN
      v_prorated := p_prorated;
      v_grant := g.id;
      UPDATE grants SET granted = granted + v_prorated, available = available + v_prorated WHERE id = g.id;
      INSERT INTO entries (workspace_id, grant_id, kind, amount, created_at) VALUES (p_ws, g.id, 'grant', v_prorated, p_now);
      UPDATE workspaces SET due_at = least(due_at, g.expires_at) WHERE id = p_ws;
    END IF;
  END IF;
  IF lic.workspace_id IS NOT NULL THEN
    INSERT INTO license_changes (workspace_id, old_builders, old_credits_per_builder, builders, credits_per_builder, effective, prorated, grant_id, created_at)
    VALUES (p_ws, p_old_builders, p_old_cpb, p_builders, p_cpb, p_effective, v_prorated, v_grant, p_now);
  END IF;
  SELECT time_zone INTO v_tz FROM workspaces WHERE id = p_ws;
  RETURN jsonb_build_object('status', 200, 'prorated', v_prorated, 'timeZone', v_tz);
END $$;
`;
