import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, it } from 'node:test';
import { cycleWindow } from '../../../src/server/ledger/cycle.js';
import { MAX_ATTEMPTS, RETRY_SCHEDULE_MS, WebhookDelivery } from '../../../src/server/notifications/delivery.js';
import { ADMIN_TOKEN, Harness } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

onEachStore('webhook endpoints and deliveries', (kind) => {
  let h: Harness;
  let receiver: WebhookReceiver;
  let delivery: WebhookDelivery;
  before(async () => {
    h = await Harness.open(kind);
    receiver = await WebhookReceiver.start();
    delivery = new WebhookDelivery(h.store, { clock: h.clock, timeoutMs: 10_000 });
  });
  /** every endpoint a test made, removed at the end: a delivery left pending must not reach whatever listens on its port later */
  const made: [string, string][] = [];
  after(async () => {
    for (const [ws, hook] of made) await h.admin('DELETE', `/workspaces/${ws}/webhooks/${hook}`);
    await receiver.close();
    await h.close();
  });
  beforeEach(() => {
    // signatures carry the clock's time, and receivers refuse one more than 5 minutes off theirs
    h.clock.set(new Date());
    receiver.received.length = 0;
    receiver.verify = true;
    receiver.respond = () => 204;
  });

  async function endpoint(workspaceId: string, body: Record<string, unknown> = {}) {
    const created = await h.admin('POST', `/workspaces/${workspaceId}/webhooks`, { url: receiver.url, ...body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    made.push([workspaceId, created.body.id]);
    receiver.secrets = [created.body.secret];
    return created.body as { id: string; secret: string; url: string };
  }

  const addon = (workspaceId: string, credits = 100) =>
    h.admin('POST', `/workspaces/${workspaceId}/addons`, { credits, reference: randomUUID() });

  /**
   * Runs delivery passes until nothing is due. The database may hold other tests' deliveries
   * (PostgreSQL is shared), so tests look at their own workspace's deliveries, not the count.
   */
  async function drain(): Promise<void> {
    while ((await delivery.deliverDue()) > 0);
  }

  async function log(workspaceId: string, hookId: string) {
    const answer = await h.admin('GET', `/workspaces/${workspaceId}/webhooks/${hookId}/deliveries`);
    assert.equal(answer.status, 200);
    return answer.body.deliveries as any[];
  }

  it('adds, lists, rotates and removes endpoints; secrets are shown only when made', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id, { events: ['credits.added', 'credits.depleted'] });
    assert.match(hook.id, /^wh_/);
    assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(hook.secret.slice(6), 'base64').length, 32);

    const list = await h.admin('GET', `/workspaces/${ws.id}/webhooks`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.webhooks.map((w: any) => [w.id, w.url, w.events, 'secret' in w]), [[hook.id, receiver.url, ['credits.added', 'credits.depleted'], false]]);

    const rotated = await h.admin('POST', `/workspaces/${ws.id}/webhooks/${hook.id}/rotate-secret`);
    assert.equal(rotated.status, 200);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, hook.secret);
    assert.equal(Date.parse(rotated.body.previousSecretExpiresAt), h.clock.now().getTime() + 24 * 3_600_000);

    // another workspace's admin path does not reach it
    const other = await h.workspace();
    assert.equal((await h.admin('DELETE', `/workspaces/${other.id}/webhooks/${hook.id}`)).status, 404);
    assert.equal((await h.admin('GET', `/workspaces/${other.id}/webhooks/${hook.id}/deliveries`)).status, 404);

    const removed = await h.admin('DELETE', `/workspaces/${ws.id}/webhooks/${hook.id}`);
    assert.equal(removed.status, 200);
    assert.deepEqual((await h.admin('GET', `/workspaces/${ws.id}/webhooks`)).body.webhooks, []);
    assert.equal((await h.admin('DELETE', `/workspaces/${ws.id}/webhooks/${hook.id}`)).status, 404);
    assert.equal((await h.admin('POST', `/workspaces/${ws.id}/webhooks/${hook.id}/rotate-secret`)).status, 404);
  });

  it('validates endpoints, naming the field, and answers only the admin token', async () => {
    const ws = await h.workspace();
    const cases: [unknown, string][] = [
      [{ url: 'ftp://example.com/x' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: `https://example.com/${'x'.repeat(2100)}` }, 'url'],
      [{ url: receiver.url, events: ['credits.nope'] }, 'events[0]'],
      [{ url: receiver.url, events: [] }, 'events'],
      [{ url: receiver.url, events: ['credits.added', 'credits.added'] }, 'events'],
      [{ url: receiver.url, secret: 'whsec_mine' }, 'secret'],
      [{}, 'url'],
    ];
    for (const [body, field] of cases) {
      const answer = await h.admin('POST', `/workspaces/${ws.id}/webhooks`, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.field, field, JSON.stringify(answer.body));
    }
    assert.equal((await h.admin('POST', '/workspaces/ws_nope/webhooks', { url: receiver.url })).status, 404);
    assert.equal((await h.admin('GET', '/workspaces/ws_nope/webhooks')).status, 404);
    assert.equal((await h.request('GET', `/admin/workspaces/${ws.id}/webhooks`, ws.token)).status, 403);
    assert.equal((await h.request('POST', `/admin/workspaces/${ws.id}/webhooks`, undefined, { url: receiver.url })).status, 401);
    assert.notEqual(ADMIN_TOKEN, ws.token);
  });

  it('delivers an event signed per Standard Webhooks, with the event id as webhook-id, once', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id);
    const grant = await addon(ws.id, 300);
    await drain();
    await drain();
    assert.equal(receiver.of(ws.id).length, 1);
    const [got] = receiver.of(ws.id);
    assert.ok(got?.verified);
    assert.match(got.id, /^msg_/);
    assert.equal(got.timestamp, String(Math.floor(h.clock.now().getTime() / 1000)));
    assert.equal(got.payload.type, 'credits.added');
    assert.equal(got.payload.timestamp, h.clock.now().toISOString());
    assert.deepEqual(
      { ...got.payload.data, balance: undefined },
      { workspaceId: ws.id, pool: 'addon', credits: 300, grantId: grant.body.id, reference: grant.body.reference, expiresAt: grant.body.expiresAt, balance: undefined },
    );
    assert.equal(got.payload.data.balance.addon.available, 300);
    assert.equal(got.payload.data.balance.total, 300);

    assert.deepEqual(
      (await log(ws.id, hook.id)).map((d: any) => [d.eventId, d.type, d.status, d.attempts, d.lastResponseStatus, d.nextAttemptAt]),
      [[got.id, 'credits.added', 'delivered', 1, 204, null]],
    );
  });

  it('sends only the event types an endpoint asked for, to every endpoint that did', async () => {
    const ws = await h.workspace();
    await endpoint(ws.id, { events: ['credits.depleted'] });
    const all = await endpoint(ws.id);
    await addon(ws.id);
    await drain();
    assert.equal(receiver.of(ws.id).length, 1);
    assert.equal((await log(ws.id, all.id))[0].eventId, receiver.of(ws.id)[0]!.id);
  });

  it('signs with the new and the previous secret for a day after a rotation', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id);
    const rotated = (await h.admin('POST', `/workspaces/${ws.id}/webhooks/${hook.id}/rotate-secret`)).body;
    for (const secrets of [[hook.secret], [rotated.secret]]) {
      receiver.secrets = secrets;
      await addon(ws.id);
      await drain();
      assert.equal(receiver.of(ws.id).at(-1)!.verified, true);
      assert.equal(receiver.of(ws.id).at(-1)!.signature.split(' ').length, 2);
    }
    assert.equal(receiver.of(ws.id).length, 2);
    // a day later only the new secret signs
    h.clock.advance(24 * 3_600_000 + 1);
    receiver.verify = false;
    await addon(ws.id);
    await drain();
    assert.equal(receiver.of(ws.id).length, 3);
    assert.equal(receiver.of(ws.id).at(-1)!.signature.split(' ').length, 1);
  });

  it('retries with backoff for more than 24 hours, with the same webhook-id, then gives up', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id);
    receiver.verify = false;
    receiver.respond = () => 503;
    await addon(ws.id);
    const start = h.clock.now().getTime();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await drain();
      const [entry] = await log(ws.id, hook.id);
      assert.equal(entry.attempts, attempt);
      assert.equal(entry.lastResponseStatus, 503);
      assert.equal(receiver.of(ws.id).length, attempt);
      if (attempt === MAX_ATTEMPTS) {
        assert.equal(entry.status, 'failed');
        assert.equal(entry.nextAttemptAt, null);
        break;
      }
      const wait = RETRY_SCHEDULE_MS[attempt - 1]!;
      assert.equal(entry.status, 'pending');
      assert.equal(Date.parse(entry.nextAttemptAt), h.clock.now().getTime() + wait);
      h.clock.advance(wait - 1);
      await drain();
      assert.equal((await log(ws.id, hook.id))[0].attempts, attempt, `not before the backoff of attempt ${attempt}`);
      h.clock.advance(1);
    }
    assert.ok(h.clock.now().getTime() - start >= 24 * 3_600_000);
    assert.equal(new Set(receiver.of(ws.id).map((r) => r.id)).size, 1);
    h.clock.advance(48 * 3_600_000);
    await drain();
    assert.equal(receiver.of(ws.id).length, MAX_ATTEMPTS);
  });

  it('delivers on a later attempt when the receiver recovers, and records network errors', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id);
    receiver.verify = false;
    receiver.respond = ({ attempt }) => (attempt < 3 ? 500 : 200);
    await addon(ws.id);
    await drain();
    h.clock.advance(RETRY_SCHEDULE_MS[0]!);
    await drain();
    h.clock.advance(RETRY_SCHEDULE_MS[1]!);
    await drain();
    const [entry] = await log(ws.id, hook.id);
    assert.deepEqual([entry.status, entry.attempts, entry.lastResponseStatus, entry.lastError], ['delivered', 3, 200, null]);
    assert.deepEqual(receiver.of(ws.id).map((r) => r.status), [500, 500, 200]);

    // an endpoint where nothing listens: the attempt fails with the network's reason
    const closed = await WebhookReceiver.start();
    await closed.close();
    const dead = await endpoint(ws.id, { url: closed.url });
    await addon(ws.id);
    await drain();
    const [failed] = await log(ws.id, dead.id);
    assert.deepEqual([failed.status, failed.attempts, failed.lastResponseStatus, failed.lastError], ['pending', 1, null, 'ECONNREFUSED']);
  });

  it("tells of a cycle's monthly grant (credits.added) and of what it leaves at the cycle's end (credits.expired)", async () => {
    const ws = await h.workspace({ builders: 2, creditsPerBuilder: 50, cycleAnchorDay: 1 });
    await endpoint(ws.id);
    receiver.verify = false; // the clock moves to the next cycle, beyond the receiver's tolerance
    await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 30, idempotencyKey: `k-${randomUUID()}` });
    await addon(ws.id, 100);
    h.clock.set(cycleWindow(h.clock.now(), 1, 'UTC').end);
    assert.equal((await h.request('GET', '/balance', ws.token)).body.total, 200);
    await drain();
    // deliveries are not ordered: the balance each event carries says in which order they happened
    const got = receiver.of(ws.id).map((r) => [r.payload.type, r.payload.data.pool, r.payload.data.credits, r.payload.data.balance.total]);
    assert.deepEqual(got.sort(), [
      ['credits.added', 'addon', 100, 170],
      ['credits.added', 'monthly', 100, 100],
      ['credits.added', 'monthly', 100, 200],
      ['credits.expired', 'monthly', 70, 100],
    ]);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('counts a redirect, and no answer within the deadline, as failed attempts', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id);
    receiver.verify = false;
    receiver.respond = () => 307;
    await addon(ws.id);
    await drain();
    assert.deepEqual((await log(ws.id, hook.id)).map((d) => [d.status, d.lastResponseStatus, d.lastError]), [['pending', 307, 'HTTP 307']]);

    const silent = createServer(() => {}); // takes the request, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const other = await h.workspace();
      const mute = await endpoint(other.id, { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/` });
      await addon(other.id);
      const impatient = new WebhookDelivery(h.store, { clock: h.clock, timeoutMs: 200 });
      while ((await impatient.deliverDue()) > 0);
      assert.deepEqual((await log(other.id, mute.id)).map((d) => [d.status, d.attempts, d.lastResponseStatus, d.lastError]), [['pending', 1, null, 'no answer within 200 ms']]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('cancels the pending deliveries of a removed endpoint', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id);
    await addon(ws.id);
    await h.admin('DELETE', `/workspaces/${ws.id}/webhooks/${hook.id}`);
    await drain();
    assert.equal(receiver.of(ws.id).length, 0);
    const rows = await h.store.query<{ status: string }>('SELECT status FROM webhook_deliveries WHERE endpoint_id = $1', [hook.id]);
    assert.deepEqual(rows.map((r) => r.status), ['cancelled']);
  });

  it('writes no event for a change that rolled back', async () => {
    const ws = await h.workspace();
    await endpoint(ws.id);
    await assert.rejects(
      h.store.transaction(async (tx) => {
        await tx.query('SELECT cc_add_addon($1, $2, $3, $4, $5)', [ws.id, 100_000, 'rolled-back', h.clock.now(), new Date(h.clock.now().getTime() + 1e10)]);
        assert.equal((await tx.query('SELECT id FROM outbox_events WHERE workspace_id = $1', [ws.id])).length, 1);
        throw new Error('the change fails after the event was written');
      }),
      /the change fails/,
    );
    assert.equal((await h.store.query('SELECT id FROM outbox_events WHERE workspace_id = $1', [ws.id])).length, 0);
    await drain();
    assert.equal(receiver.of(ws.id).length, 0);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('pages the delivery log', async () => {
    const ws = await h.workspace();
    const hook = await endpoint(ws.id);
    for (let i = 0; i < 3; i++) {
      await addon(ws.id);
      h.clock.advance(1000);
    }
    const first = await h.admin('GET', `/workspaces/${ws.id}/webhooks/${hook.id}/deliveries?limit=2&status=pending`);
    assert.equal(first.body.deliveries.length, 2);
    const second = await h.admin('GET', `/workspaces/${ws.id}/webhooks/${hook.id}/deliveries?limit=2&cursor=${first.body.nextCursor}`);
    assert.equal(second.body.deliveries.length, 1);
    assert.equal(second.body.nextCursor, null);
    assert.equal(new Set([...first.body.deliveries, ...second.body.deliveries].map((d: any) => d.eventId)).size, 3);
    assert.equal((await h.admin('GET', `/workspaces/${ws.id}/webhooks/${hook.id}/deliveries?status=lost`)).body.error.field, 'status');
    assert.equal((await h.admin('GET', `/workspaces/${ws.id}/webhooks/${hook.id}/deliveries?cursor=zzz`)).body.error.field, 'cursor');
  });
});
