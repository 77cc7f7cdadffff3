import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../src/server/cli.ts', import.meta.url));

// PostgreSQL where there is one (each command opens its store, and PGlite takes seconds to boot)
describe('credit-chat-server CLI: auto top-up', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'credit-chat-topup-cli-'));
  const where = process.env.DATABASE_URL ? ['--database-url', process.env.DATABASE_URL] : ['--data-dir', dataDir];
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  async function admin(...args: string[]): Promise<any> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, 'admin', ...args, ...where], { env: { ...process.env, DATABASE_URL: '' } });
    return JSON.parse(stdout);
  }

  it('shows auto top-up off by default, turns it on and off again keeping its values', async () => {
    const { id: ws } = await admin('create-workspace', '--name', 'Acme');
    assert.equal((await admin('auto-top-up', '--workspace', ws)).enabled, false);
    const on = await admin('set-auto-top-up', '--workspace', ws, '--enabled', 'true', '--threshold', '25', '--credits', '500', '--max-per-cycle', '3');
    assert.deepEqual([on.enabled, on.threshold, on.credits, on.maxPerCycle, on.paymentMethod], [true, 25, 500, 3, null]);
    const off = await admin('set-auto-top-up', '--workspace', ws, '--enabled', 'false');
    assert.deepEqual([off.enabled, off.threshold, off.credits, off.maxPerCycle], [false, 25, 500, 3]);
    await assert.rejects(admin('set-auto-top-up', '--workspace', ws, '--enabled', 'true', '--credits', '150'), /credits/);
  });
});
