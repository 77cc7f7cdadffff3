import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startServerProcess } from '../support/server-process.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../src/server/cli.ts', import.meta.url));

function admin(dataDir: string, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, 'admin', ...args, '--data-dir', dataDir], { env: { ...process.env, DATABASE_URL: '' } });
}

describe('credit-chat-server CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'credit-chat-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('sets up a workspace with admin commands that print JSON, then serves it', async () => {
    const ws = JSON.parse((await admin(dataDir, 'create-workspace', '--name', 'Acme', '--time-zone', 'Europe/Berlin')).stdout) as { id: string };
    assert.match(ws.id, /^ws_/);
    const license = JSON.parse((await admin(dataDir, 'set-license', '--workspace', ws.id, '--builders', '3', '--credits-per-builder', '500', '--anchor-day', '15')).stdout);
    assert.deepEqual([license.builders, license.creditsPerBuilder, license.cycleAnchorDay, license.timeZone], [3, 500, 15, 'Europe/Berlin']);
    const addon = JSON.parse((await admin(dataDir, 'add-credits', '--workspace', ws.id, '--credits', '200', '--reference', 'po-1')).stdout);
    assert.equal(addon.credits, 200);
    const { token } = JSON.parse((await admin(dataDir, 'issue-token', '--workspace', ws.id, '--builder', 'alice')).stdout) as { token: string };
    const billing = JSON.parse((await admin(dataDir, 'issue-token', '--workspace', ws.id, '--builder', 'carol', '--role', 'billing')).stdout) as { token: string };
    const settings = JSON.parse((await admin(dataDir, 'purchase-settings', '--workspace', ws.id, '--who-may-buy', 'billing_role')).stdout);
    assert.deepEqual(settings, { whoMayBuy: 'billing_role' });
    await assert.rejects(admin(dataDir, 'purchase-settings', '--workspace', ws.id, '--who-may-buy', 'everyone'), (err: { stderr: string }) => {
      assert.equal(JSON.parse(err.stderr.trim().split('\n').at(-1)!).error.field, 'whoMayBuy');
      return true;
    });

    await assert.rejects(admin(dataDir, 'add-credits', '--workspace', ws.id, '--credits', '150', '--reference', 'po-2'), (err: { stderr: string }) => {
      const body = JSON.parse(err.stderr.trim().split('\n').at(-1)!);
      assert.equal(body.error.field, 'credits');
      return true;
    });

    const server = await startServerProcess(['--data-dir', dataDir], { DATABASE_URL: '' });
    try {
      const response = await fetch(`${server.url}/balance`, { headers: { authorization: `Bearer ${token}` } });
      const balance = (await response.json()) as { total: number; monthly: { allocated: number } };
      assert.equal(balance.total, 1700);
      assert.equal(balance.monthly.allocated, 1500);
      // only the billing role may buy now: alice is refused, carol (--role billing) is not
      const buy = (bearer: string) =>
        fetch(`${server.url}/purchases`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: '{"credits":100}' });
      assert.equal((await buy(token)).status, 403);
      assert.equal((await buy(billing.token)).status, 201);
      // PGlite is one process's database: a second process on the same directory is refused.
      await assert.rejects(admin(dataDir, 'issue-token', '--workspace', ws.id, '--builder', 'bob'), /in use by process/);
    } finally {
      await server.stop();
    }
  });
});
