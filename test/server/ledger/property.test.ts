import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { toMillicredits } from '../../../src/contract/index.js';
import { ApiError } from '../../../src/server/errors.js';
import type { BuilderContext } from '../../../src/server/ledger/ledger.js';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

type Command =
  | { kind: 'addon'; hundreds: number }
  | { kind: 'hold'; millicredits: number; ttl: number }
  | { kind: 'capture'; pick: number; fraction: number }
  | { kind: 'void'; pick: number }
  | { kind: 'debit'; millicredits: number }
  | { kind: 'license'; perBuilder: number }
  | { kind: 'jump'; ms: number }
  | { kind: 'sweep' };

const DAY = 86_400_000;
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('addon' as const), hundreds: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('hold' as const), millicredits: fc.integer({ min: 1, max: 120_000 }), ttl: fc.integer({ min: 1, max: 3600 }) }),
  fc.record({ kind: fc.constant('capture' as const), pick: fc.nat(), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('void' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('debit' as const), millicredits: fc.integer({ min: 1, max: 80_000 }) }),
  fc.record({ kind: fc.constant('license' as const), perBuilder: fc.integer({ min: 0, max: 200 }) }),
  // Jumps from seconds to months: across hold TTLs, cycle ends and add-on expiry.
  fc.record({ kind: fc.constant('jump' as const), ms: fc.oneof(fc.integer({ min: 1, max: 3600_000 }), fc.integer({ min: DAY, max: 40 * DAY }), fc.integer({ min: 300 * DAY, max: 400 * DAY })) }),
  fc.record({ kind: fc.constant('sweep' as const) }),
);

/**
 * What a request that has just prepared the workspace (here GET /balance) must leave: no
 * pending hold past its TTL, no grant past its expiry with credits available, the monthly
 * grant open while there is a license, and the workspace's due time no later than anything
 * that can come due (requests skip the look-ups until then).
 */
async function nothingLeftDue(h: Harness, workspaceId: string, now: Date): Promise<string[]> {
  const [row] = await h.store.query<Record<string, boolean>>(
    `SELECT
       EXISTS (SELECT 1 FROM holds WHERE workspace_id = $1 AND status = 'pending' AND expires_at <= $2) AS hold_overdue,
       EXISTS (SELECT 1 FROM grants WHERE workspace_id = $1 AND expires_at <= $2 AND available > 0) AS grant_overdue,
       EXISTS (SELECT 1 FROM licenses WHERE workspace_id = $1)
         AND NOT EXISTS (SELECT 1 FROM grants WHERE workspace_id = $1 AND pool = 'monthly' AND starts_at <= $2 AND expires_at > $2) AS monthly_missing,
       EXISTS (SELECT 1 FROM workspaces w,
                 least((SELECT min(expires_at) FROM holds WHERE workspace_id = $1 AND status = 'pending'),
                       (SELECT min(expires_at) FROM grants WHERE workspace_id = $1 AND expires_at > $2 AND (available > 0 OR held > 0))) AS next(at)
               WHERE w.id = $1 AND next.at IS NOT NULL AND (w.due_at IS NULL OR w.due_at > next.at)) AS due_too_late`,
    [workspaceId, now],
  );
  return Object.entries(row!).filter(([, broken]) => broken).map(([what]) => what);
}

onEachStore('ledger properties (fast-check)', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind);
  });
  after(() => h.close());

  it('after every step of random grants, holds, captures, voids, expiries and clock jumps: no negative balance, and granted = captured + expired + held + available', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 5, maxLength: 25 }),
        fc.integer({ min: 1, max: 31 }),
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kathmandu'),
        async (commands, anchor, timeZone) => {
          h.clock.set('2027-01-28T22:30:00.000Z');
          const ws = await h.workspace({ builders: 2, creditsPerBuilder: 50, cycleAnchorDay: anchor, timeZone, addon: 100 });
          let ctx = (await h.ledger.authenticate(ws.token)) as BuilderContext;
          const holds: string[] = [];
          let capturedByReceipts = 0;
          for (const cmd of commands) {
            try {
              switch (cmd.kind) {
                case 'addon':
                  await h.ledger.addAddon(ws.id, { credits: cmd.hundreds * 100, reference: key() });
                  break;
                case 'hold':
                  holds.push((await h.ledger.createHold(ctx, { operation: 'custom_code', credits: cmd.millicredits / 1000, idempotencyKey: key(), ttlSeconds: cmd.ttl })).id);
                  break;
                case 'capture': {
                  if (holds.length === 0) break;
                  const id = holds[cmd.pick % holds.length]!;
                  const [row] = await h.store.query<{ amount: number }>('SELECT amount FROM holds WHERE id = $1', [id]);
                  const receipt = await h.ledger.capture(ctx, id, Math.floor(Number(row!.amount) * cmd.fraction) / 1000);
                  capturedByReceipts += Math.round(receipt.credits * 1000);
                  break;
                }
                case 'void':
                  if (holds.length) await h.ledger.voidHold(ctx, holds[cmd.pick % holds.length]!);
                  break;
                case 'debit':
                  capturedByReceipts += Math.round((await h.ledger.debit(ctx, { operation: 'sql_generation', credits: cmd.millicredits / 1000, idempotencyKey: key() })).credits * 1000);
                  break;
                case 'license':
                  await h.ledger.setLicense(ws.id, { builders: 2, creditsPerBuilder: cmd.perBuilder, cycleAnchorDay: anchor });
                  ctx = (await h.ledger.authenticate(ws.token)) as BuilderContext;
                  break;
                case 'jump':
                  h.clock.advance(cmd.ms);
                  break;
                case 'sweep':
                  await h.ledger.sweep();
                  break;
              }
            } catch (err) {
              // Refusals are part of the game (402 short, 409 settled); anything else is a bug.
              if (!(err instanceof ApiError) || ![402, 409].includes(err.status)) throw err;
            }
            const balance = await h.ledger.balance(ctx);
            assert.ok(balance.total >= 0 && balance.held >= 0 && balance.monthly.available >= 0 && balance.addon.available >= 0);
            // Compared in millicredits: adding the wire's decimal numbers in floating point would not be exact.
            assert.equal(toMillicredits(balance.total), toMillicredits(balance.monthly.available) + toMillicredits(balance.addon.available));
            assert.deepEqual(await h.audit(ws.id), [], `after ${JSON.stringify(cmd)}`);
            assert.deepEqual(await nothingLeftDue(h, ws.id, h.clock.now()), [], `after ${JSON.stringify(cmd)}`);
            const t = await h.totals(ws.id);
            assert.equal(t.granted, t.captured + t.expired + t.held + t.available);
            assert.equal(t.captured, capturedByReceipts);
          }
        },
      ),
      { numRuns: kind.name === 'pglite' ? 40 : 25 },
    );
  });
});
