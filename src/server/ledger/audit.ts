import type { SqlClient } from '../store/store.js';

/**
 * Checks a workspace's books: each grant's cached balances against its append-only entries,
 * each hold's parts against its amount, and what pending holds reserve against what grants
 * hold. Returns the violations found; an empty list means the books agree.
 */
export async function auditWorkspace(db: SqlClient, workspaceId: string): Promise<string[]> {
  const violations: string[] = [];
  const grants = await db.query<Record<string, number | string>>(
    `SELECT g.id, g.granted, g.available, g.held, g.captured, g.expired,
       coalesce(sum(e.amount) FILTER (WHERE e.kind = 'grant'), 0) AS e_grant,
       coalesce(sum(e.amount) FILTER (WHERE e.kind = 'hold'), 0) AS e_hold,
       coalesce(sum(e.amount) FILTER (WHERE e.kind = 'capture'), 0) AS e_capture,
       coalesce(sum(e.amount) FILTER (WHERE e.kind = 'release'), 0) AS e_release,
       coalesce(sum(e.amount) FILTER (WHERE e.kind = 'expire'), 0) AS e_expire
     FROM grants g LEFT JOIN entries e ON e.grant_id = g.id
     WHERE g.workspace_id = $1 GROUP BY g.id`,
    [workspaceId],
  );
  for (const raw of grants) {
    const g = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, k === 'id' ? v : Number(v)])) as Record<string, number> & { id: string };
    const check = (what: string, cached: number, fromEntries: number) => {
      if (cached !== fromEntries) violations.push(`grant ${g.id}: ${what} is ${cached}, entries say ${fromEntries}`);
    };
    if (g.available! < 0 || g.held! < 0) violations.push(`grant ${g.id}: negative balance`);
    if (g.granted !== g.captured! + g.expired! + g.held! + g.available!) {
      violations.push(`grant ${g.id}: granted ${g.granted} != captured + expired + held + available`);
    }
    check('granted', g.granted!, g.e_grant!);
    check('captured', g.captured!, g.e_capture!);
    check('expired', g.expired!, g.e_expire!);
    check('held', g.held!, g.e_hold! - g.e_capture! - g.e_release!);
    check('available', g.available!, g.e_grant! - g.e_hold! + g.e_release! - g.e_expire!);
  }
  const holds = await db.query<{ id: string; status: string; amount: number; parts: number; captured: number }>(
    `SELECT h.id, h.status, h.amount, h.captured, coalesce(sum(p.amount), 0) AS parts
     FROM holds h LEFT JOIN entries p ON p.hold_id = h.id AND p.kind = 'hold' WHERE h.workspace_id = $1 GROUP BY h.id`,
    [workspaceId],
  );
  let pendingHeld = 0;
  for (const h of holds) {
    if (Number(h.parts) !== Number(h.amount)) violations.push(`hold ${h.id}: parts ${h.parts} != amount ${h.amount}`);
    if (h.status !== 'captured' && Number(h.captured) !== 0) violations.push(`hold ${h.id}: ${h.status} but captured ${h.captured}`);
    if (h.status === 'pending') pendingHeld += Number(h.amount);
  }
  const heldNow = grants.reduce((sum, g) => sum + Number(g.held), 0);
  if (heldNow !== pendingHeld) violations.push(`grants hold ${heldNow}, pending holds reserve ${pendingHeld}`);
  const receipts = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM receipts r JOIN holds h ON h.id = r.hold_id
     WHERE r.workspace_id = $1 AND r.credits <> h.captured`,
    [workspaceId],
  );
  if (Number(receipts[0]?.n) > 0) violations.push(`${receipts[0]!.n} receipt(s) disagree with their hold's capture`);
  return violations;
}

/** Totals of a workspace's pools: granted = captured + expired + held + available. */
export async function poolTotals(db: SqlClient, workspaceId: string) {
  const rows = await db.query<Record<string, number>>(
    `SELECT coalesce(sum(granted), 0) AS granted, coalesce(sum(captured), 0) AS captured,
       coalesce(sum(expired), 0) AS expired, coalesce(sum(held), 0) AS held, coalesce(sum(available), 0) AS available
     FROM grants WHERE workspace_id = $1`,
    [workspaceId],
  );
  const r = rows[0]!;
  return { granted: Number(r.granted), captured: Number(r.captured), expired: Number(r.expired), held: Number(r.held), available: Number(r.available) };
}
