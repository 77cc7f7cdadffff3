import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crashRun, type CrashRunOptions } from '../support/crash-run.js';
import { PrivatePostgres, canRunPrivatePostgres } from '../support/private-postgres.js';

const OPERATIONS = 200;

async function runClean(options: CrashRunOptions) {
  const report = await crashRun(options);
  assert.deepEqual(report.violations, []);
  assert.equal(report.faults, options.faults, 'every planned fault was injected');
  assert.ok(report.receipts > OPERATIONS / 2, `only ${report.receipts} receipts`);
  assert.ok(report.abandonedHolds > 0, 'no hold was abandoned to its TTL');
  return report;
}

describe('crash faults: the server SIGKILLed under load, clients retrying with their keys', () => {
  it(`on PGlite: ${OPERATIONS} operations, nothing charged twice, nothing lost, the data directory opens cleanly`, { timeout: 180_000 }, async () => {
    await runClean({ store: 'pglite', operations: OPERATIONS, clients: 6, faults: 4, seed: 20261121 });
  });

  if (process.env.DATABASE_URL) {
    it(`on PostgreSQL: ${OPERATIONS} operations, nothing charged twice, nothing lost`, { timeout: 180_000 }, async () => {
      await runClean({ store: 'postgres', databaseUrl: process.env.DATABASE_URL, operations: OPERATIONS, clients: 8, faults: 4, seed: 7 });
    });
  }
});

if (process.env.DATABASE_URL) {
  describe('database faults: requests fail cleanly or succeed, never half-write', () => {
    it('survives its connections terminated mid-transaction (pg_terminate_backend)', { timeout: 180_000 }, async () => {
      await runClean({
        store: 'postgres',
        databaseUrl: process.env.DATABASE_URL,
        fault: { kind: 'terminate-backends' },
        operations: OPERATIONS,
        clients: 8,
        faults: 8,
        seed: 11,
      });
    });

    if (canRunPrivatePostgres()) {
      let database: PrivatePostgres;
      before(async () => {
        database = await PrivatePostgres.start();
      });
      after(() => database.stop());

      it('survives PostgreSQL crashing and restarting during load', { timeout: 180_000 }, async () => {
        const report = await runClean({
          store: 'postgres',
          databaseUrl: database.url,
          fault: { kind: 'restart-postgres', restart: () => database.crashRestart() },
          operations: OPERATIONS,
          clients: 8,
          faults: 3,
          seed: 13,
        });
        assert.ok(report.retries > 0, 'no client ever saw the database down');
      });
    }
  });
}
