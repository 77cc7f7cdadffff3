import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { callApi as call, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const EVENTS = 20;
/** a safety net only: each test waits for deliveries, not for time */
const HANG = { timeout: 120_000 };

/**
 * A workspace with an endpoint at the receiver; the receiver verifies with its secret. Call
 * `remove` at the end: a delivery left pending (a later test's sweep may expire this
 * workspace's credits) must not reach whatever listens on the receiver's port later.
 */
async function workspaceWithEndpoint(url: string, adminToken: string, receiver: WebhookReceiver) {
  const { id } = await call(url, adminToken, 'POST', '/admin/workspaces', { name: 'restart' });
  const hook = await call(url, adminToken, 'POST', `/admin/workspaces/${id}/webhooks`, { url: receiver.url });
  receiver.secrets.push(hook.secret);
  return { ws: id as string, remove: (via: string) => call(via, adminToken, 'DELETE', `/admin/workspaces/${id}/webhooks/${hook.id}`) };
}

for (const store of ['pglite', 'postgres'] as const) {
  describe(`webhooks across a SIGKILL of the server [${store}]`, () => {
    if (store === 'postgres' && !process.env.DATABASE_URL) return;
    const adminToken = `restart-admin-${randomUUID()}`;
    const dataDir = store === 'pglite' ? mkdtempSync(join(tmpdir(), 'credit-chat-webhooks-')) : undefined;
    const args = store === 'pglite' ? ['--data-dir', dataDir!] : ['--database-url', process.env.DATABASE_URL!];
    const env = { CREDIT_CHAT_ADMIN_TOKEN: adminToken, DATABASE_URL: '' };
    let receiver: WebhookReceiver;
    let server: ServerProcess | undefined;
    before(async () => {
      receiver = await WebhookReceiver.start();
    });
    after(async () => {
      await server?.stop();
      await receiver.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it(`delivers every event written before the kill once the server is back, each once, signed`, HANG, async () => {
      // The first process writes events but delivers none (as if it died before it could).
      server = await startServerProcess(args, { ...env, CREDIT_CHAT_WEBHOOK_DELIVERY: 'off' });
      const { ws, remove } = await workspaceWithEndpoint(server.url, adminToken, receiver);
      for (let i = 0; i < EVENTS; i++) {
        await call(server.url, adminToken, 'POST', `/admin/workspaces/${ws}/addons`, { credits: 100, reference: `r-${i}` });
      }
      await server.stop('SIGKILL');
      assert.equal(receiver.of(ws).length, 0);

      server = await startServerProcess(args, env);
      await receiver.waitFor(EVENTS, (r) => r.payload.data.workspaceId === ws);
      const got = receiver.of(ws);
      assert.ok(got.every((r) => r.verified && r.payload.type === 'credits.added'));
      assert.equal(new Set(got.map((r) => r.id)).size, EVENTS);
      assert.deepEqual(got.map((r) => r.payload.data.reference).sort(), Array.from({ length: EVENTS }, (_, i) => `r-${i}`).sort());
      await remove(server.url);
      await server.stop();
      server = undefined;
    });
  });
}

describe('two server processes delivering from one PostgreSQL', () => {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) return;
  const adminToken = `two-admin-${randomUUID()}`;
  let receiver: WebhookReceiver;
  let servers: ServerProcess[] = [];
  before(async () => {
    receiver = await WebhookReceiver.start();
    const env = { CREDIT_CHAT_ADMIN_TOKEN: adminToken, CREDIT_CHAT_RATE_LIMIT: '0' };
    servers = await Promise.all([0, 1].map(() => startServerProcess(['--database-url', databaseUrl], env)));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await receiver.close();
  });

  it('share the deliveries: each event reaches the receiver once', HANG, async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const { ws, remove } = await workspaceWithEndpoint(a.url, adminToken, receiver);
    await Promise.all(
      Array.from({ length: 4 * EVENTS }, (_, i) =>
        call(i % 2 ? a.url : b.url, adminToken, 'POST', `/admin/workspaces/${ws}/addons`, { credits: 100, reference: `two-${i}` }),
      ),
    );
    await receiver.waitFor(4 * EVENTS, (r) => r.payload.data.workspaceId === ws);
    const got = receiver.of(ws);
    assert.equal(got.length, 4 * EVENTS);
    assert.equal(new Set(got.map((r) => r.id)).size, 4 * EVENTS);
    assert.ok(got.every((r) => r.verified));
    await remove(b.url);
  });
});
