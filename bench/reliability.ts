// The longer reliability run: crash and database faults with more operations than npm test
// drives, and at least 5,000 fuzzed requests, reporting what was injected and what broke.
import { randomUUID } from 'node:crypto';
import { crashRun, type CrashRunOptions, type CrashRunReport } from '../test/server/support/crash-run.js';
import { fuzzApi } from '../test/server/support/fuzz.js';
import { Harness } from '../test/server/support/harness.js';
import { PrivatePostgres, canRunPrivatePostgres } from '../test/server/support/private-postgres.js';
import type { StoreKind } from '../test/server/support/stores.js';
import { openPgliteStore } from '../src/server/store/pglite.js';
import { openPostgresStore } from '../src/server/store/postgres.js';
import type { BenchSuite, Figure } from './figures.js';
import { benchDatabase } from './database.js';

const OPERATIONS = 600;
const FUZZ_CASES = 5000;


function crashFigures(id: string, label: string, report: CrashRunReport): Figure[] {
  return [
    { id: `${id}.operations`, label: `${label}: operations`, value: report.operations, unit: 'ops' },
    { id: `${id}.faults`, label: `${label}: faults injected`, value: report.faults, unit: 'faults' },
    { id: `${id}.retries`, label: `${label}: client retries`, value: report.retries, unit: 'retries' },
    { id: `${id}.receipts`, label: `${label}: receipts checked`, value: report.receipts, unit: 'receipts' },
    { id: `${id}.violations`, label: `${label}: violations found`, value: report.violations.length, unit: 'violations', bar: { op: '<=', value: 0 } },
  ];
}

export const reliabilitySuite: BenchSuite = {
  name: 'reliability',
  async run() {
    const figures: Figure[] = [];
    const databaseUrl = benchDatabase('credit_chat_bench_faults');
    const runs: [string, string, CrashRunOptions][] = [
      ['faults.crash.pglite', 'SIGKILL of the server, PGlite', { store: 'pglite', operations: OPERATIONS, clients: 8, faults: 12, seed: 1 }],
      ['faults.crash.postgres', 'SIGKILL of the server, PostgreSQL', { store: 'postgres', databaseUrl, operations: OPERATIONS, clients: 8, faults: 16, seed: 2 }],
      ['faults.terminate.postgres', 'pg_terminate_backend under load', { store: 'postgres', databaseUrl, fault: { kind: 'terminate-backends' }, operations: OPERATIONS, clients: 8, faults: 40, seed: 3 }],
    ];
    for (const [id, label, options] of runs) {
      const report = await crashRun(options);
      for (const v of report.violations) console.error(`  ${label}: ${v}`);
      figures.push(...crashFigures(id, label, report));
    }
    if (canRunPrivatePostgres()) {
      const database = await PrivatePostgres.start();
      try {
        const report = await crashRun({
          store: 'postgres',
          databaseUrl: database.url,
          fault: { kind: 'restart-postgres', restart: () => database.crashRestart() },
          operations: OPERATIONS,
          clients: 8,
          faults: 12,
          seed: 4,
        });
        figures.push(...crashFigures('faults.restart.postgres', 'PostgreSQL crashed and restarted', report));
      } finally {
        database.stop();
      }
    }
    const stores: StoreKind[] = [
      { name: 'pglite', open: () => openPgliteStore() },
      { name: 'postgres', open: () => openPostgresStore(databaseUrl) },
    ];
    for (const kind of stores) {
      const h = await Harness.open(kind, {
        ai: { provider: { provider: 'demo' }, providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } }, secret: randomUUID() },
      });
      try {
        const ws = await h.workspace({ builders: 1, creditsPerBuilder: 1000, addon: 1000 });
        const hold = await h.request('POST', '/holds', ws.token, { operation: 'sql_generation', credits: 3, idempotencyKey: `bench-${randomUUID()}` });
        const report = await fuzzApi(h, { cases: FUZZ_CASES, seed: 42, token: ws.token, workspaceId: ws.id, holdId: hold.body.id });
        const broken = (await h.audit(ws.id)).length;
        for (const v of report.violations) console.error(`  fuzz ${kind.name}: ${v}`);
        figures.push(
          { id: `fuzz.${kind.name}.cases`, label: `Fuzzed requests on every endpoint, ${kind.name}`, value: report.cases, unit: 'cases', bar: { op: '>=', value: FUZZ_CASES } },
          { id: `fuzz.${kind.name}.violations`, label: `Fuzz: 5xx, malformed refusals or broken books, ${kind.name}`, value: report.violations.length + broken, unit: 'violations', bar: { op: '<=', value: 0 } },
        );
      } finally {
        await h.close();
      }
    }
    return figures;
  },
};
