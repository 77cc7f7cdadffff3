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
describe('credit-chat-server CLI: spend controls and webhooks', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'credit-chat-controls-cli-'));
  const where = process.env.DATABASE_URL ? ['--database-url', process.env.DATABASE_URL] : ['--data-dir', dataDir];
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  async function admin(...args: string[]): Promise<any> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, 'admin', ...args, ...where], { env: { ...process.env, DATABASE_URL: '' } });
    return JSON.parse(stdout);
  }

  it('configures thresholds, webhooks and builder limits, printing JSON', async () => {
    const { id: ws } = await admin('create-workspace', '--name', 'Acme');
    await admin('set-license', '--workspace', ws, '--builders', '2', '--credits-per-builder', '100', '--anchor-day', '1');

    const thresholds = await admin('set-thresholds', '--workspace', ws, '--monthly-percents', '50,80', '--addon-below', '25', '--expiring-days', '');
    assert.deepEqual([thresholds.monthlyPercents, thresholds.addonBelow, thresholds.expiringDays], [[50, 80], 25, []]);
    assert.deepEqual((await admin('thresholds', '--workspace', ws)).monthlyPercents, [50, 80]);

    const hook = await admin('add-webhook', '--workspace', ws, '--url', 'http://10.0.0.5/hooks', '--events', 'credits.depleted,builder.limit_reached');
    assert.match(hook.secret, /^whsec_/);
    assert.deepEqual(hook.events, ['credits.depleted', 'builder.limit_reached']);
    const rotated = await admin('rotate-webhook-secret', '--workspace', ws, '--webhook', hook.id);
    assert.notEqual(rotated.secret, hook.secret);
    assert.deepEqual((await admin('list-webhooks', '--workspace', ws)).webhooks.map((w: any) => w.url), ['http://10.0.0.5/hooks']);
    assert.deepEqual(await admin('webhook-deliveries', '--workspace', ws, '--webhook', hook.id, '--status', 'pending'), { deliveries: [], nextCursor: null });

    const limits = await admin('set-builder-limits', '--workspace', ws, '--credits', '40', '--mode', 'block');
    assert.deepEqual(limits.default, { credits: 40, mode: 'block' });
    const override = await admin('set-builder-limit', '--workspace', ws, '--builder', 'alice', '--credits', '120', '--mode', 'alert');
    assert.deepEqual(override, { builder: 'alice', limit: { credits: 120, mode: 'alert', source: 'override' }, used: 0 });
    const removed = await admin('remove-builder-limit', '--workspace', ws, '--builder', 'alice');
    assert.deepEqual(removed.limit, { credits: 40, mode: 'block', source: 'default' });
    assert.equal((await admin('set-builder-limits', '--workspace', ws, '--none')).default, null);
    assert.equal((await admin('remove-webhook', '--workspace', ws, '--webhook', hook.id)).id, hook.id);

    await assert.rejects(admin('set-builder-limit', '--workspace', ws, '--builder', 'alice', '--credits', '5', '--mode', 'soft'), (err: { stderr: string }) => {
      assert.equal(JSON.parse(err.stderr.trim().split('\n').at(-1)!).error.field, 'mode');
      return true;
    });
  });
});
