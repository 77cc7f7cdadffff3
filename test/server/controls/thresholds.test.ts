import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { SpendControls } from '../../../src/server/controls/spend-controls.js';
import { cycleWindow, oneYearAfter } from '../../../src/server/ledger/cycle.js';
import { WebhookDelivery } from '../../../src/server/notifications/delivery.js';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const RACERS = 200;
const DAY = 86_400_000;

onEachStore('thresholds', (kind) => {
  let h: Harness;
  let receiver: WebhookReceiver;
  let delivery: WebhookDelivery;
  let controls: SpendControls;
  before(async () => {
    h = await Harness.open(kind);
    receiver = await WebhookReceiver.start();
    delivery = new WebhookDelivery(h.store, { clock: h.clock });
    controls = new SpendControls(h.store, h.clock);
  });
  /** endpoints made, removed at the end: a delivery left pending must not reach whatever listens on its port later */
  const made: [string, string][] = [];
  after(async () => {
    for (const [ws, hook] of made) await h.admin('DELETE', `/workspaces/${ws}/webhooks/${hook}`);
    await receiver.close();
    await h.close();
  });

  const WHAT: Record<string, string> = {
    'credits.threshold_crossed': 'threshold',
    'credits.recovered': 'thresholds',
    'credits.depleted': 'needed',
    'credits.expiring': 'days',
  };

  /**
   * The workspace's events in the outbox, as [type, what it says] pairs, in the order they
   * happened (events of one moment: by what they say).
   */
  async function events(workspaceId: string, type?: string): Promise<[string, unknown][]> {
    const rows = await h.store.query<{ type: string; data: any; at: string }>(
      'SELECT type, data, cc_iso(created_at) AS at FROM outbox_events WHERE workspace_id = $1 AND ($2::text IS NULL OR type = $2)',
      [workspaceId, type ?? null],
    );
    const what = (r: { type: string; data: any }) => r.data[WHAT[r.type] ?? 'credits'];
    const order = (r: { type: string; data: any; at: string }) => `${r.at} ${JSON.stringify(what(r))?.replace(/\d+/g, (n) => n.padStart(6, '0'))}`;
    return rows.sort((a, b) => order(a).localeCompare(order(b))).map((r) => [r.type, what(r)]);
  }

  const hold = (token: string, credits: number) => h.request('POST', '/holds', token, { operation: 'custom_code', credits, idempotencyKey: key() });

  it(`fires each crossing exactly once under ${RACERS} concurrent holds, signed for a verifying receiver; a top-up recovers them`, async () => {
    h.clock.set(new Date());
    // 200 monthly + 100 add-on: 187 holds of 1.6 fit (299.2), 13 do not
    const ws = await h.workspace({ builders: 4, creditsPerBuilder: 50, addon: 100 });
    const thresholds = await h.admin('PUT', `/workspaces/${ws.id}/thresholds`, { addonBelow: 50 });
    assert.equal(thresholds.status, 200);
    const hook = (await h.admin('POST', `/workspaces/${ws.id}/webhooks`, { url: receiver.url })).body;
    made.push([ws.id, hook.id]);
    receiver.secrets = [hook.secret];
    const answers = await Promise.all(Array.from({ length: RACERS }, (_, i) => hold(ws.tokens[i % 4]!, 1.6)));
    assert.equal(answers.filter((a) => a.status === 201).length, 187);
    assert.equal(answers.filter((a) => a.status === 402).length, 13);
    assert.deepEqual(await h.audit(ws.id), []);

    const crossed = await events(ws.id, 'credits.threshold_crossed');
    assert.deepEqual(crossed.map(([, t]) => t), [
      { kind: 'addon_below', value: 50 },
      { kind: 'monthly_percent', value: 75 },
      { kind: 'monthly_percent', value: 90 },
      { kind: 'monthly_percent', value: 100 },
    ]);
    assert.deepEqual(await events(ws.id, 'credits.depleted'), [['credits.depleted', 1.6]]);

    while ((await delivery.deliverDue()) > 0);
    const got = receiver.of(ws.id).filter((r) => r.payload.type !== 'credits.added');
    assert.equal(got.length, 5);
    assert.ok(got.every((r) => r.verified && r.status === 204));
    assert.equal(new Set(got.map((r) => r.id)).size, 5);
    const ninety = got.find((r) => r.payload.data.threshold?.value === 90)!;
    assert.ok(ninety.payload.data.balance.monthly.available <= 20);

    // a top-up lifts the pool above every crossed threshold: one credits.recovered names them
    await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 100, reference: randomUUID() });
    assert.deepEqual(await events(ws.id, 'credits.recovered'), [
      [
        'credits.recovered',
        [
          { kind: 'addon_below', value: 50 },
          { kind: 'depleted', value: 0 },
          { kind: 'monthly_percent', value: 75 },
          { kind: 'monthly_percent', value: 90 },
          { kind: 'monthly_percent', value: 100 },
        ],
      ],
    ]);
    while ((await delivery.deliverDue()) > 0);
    const recovered = receiver.of(ws.id).filter((r) => r.payload.type === 'credits.recovered');
    assert.equal(recovered.length, 1);
    assert.ok(recovered[0]!.verified);
    assert.equal(recovered[0]!.payload.data.balance.total, 100.8);

    // recovered, the add-on floor can be crossed again; monthly percents stay crossed this cycle
    assert.equal((await hold(ws.token, 60)).status, 201);
    const again = (await events(ws.id, 'credits.threshold_crossed')).map(([, t]) => t);
    assert.equal(again.length, 5);
    assert.equal(again.filter((t: any) => t.kind === 'addon_below').length, 2);
    const totals = await h.totals(ws.id);
    assert.equal(totals.granted, totals.captured + totals.expired + totals.held + totals.available);
  });

  it('fires a threshold once per cycle even when released credits let a hold cross it again, and again in the next cycle', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100, cycleAnchorDay: 1 });
    const first = await hold(ws.token, 80);
    await h.request('POST', `/holds/${first.body.id}/void`, ws.token);
    assert.equal((await hold(ws.token, 76)).status, 201);
    assert.deepEqual((await events(ws.id, 'credits.threshold_crossed')).map(([, t]) => t), [{ kind: 'monthly_percent', value: 75 }]);

    h.clock.set(cycleWindow(h.clock.now(), 1, 'UTC').end);
    assert.equal((await hold(ws.token, 75)).status, 201);
    assert.deepEqual((await events(ws.id, 'credits.threshold_crossed')).map(([, t]) => t), [
      { kind: 'monthly_percent', value: 75 },
      { kind: 'monthly_percent', value: 75 },
    ]);
    // the renewal recovered the cycle before's threshold
    assert.deepEqual(await events(ws.id, 'credits.recovered'), [['credits.recovered', [{ kind: 'monthly_percent', value: 75 }]]]);
    assert.deepEqual(await h.audit(ws.id), []);
  });

  it('reads and replaces thresholds; left-out ones take their defaults, an empty list turns a kind off', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 100 });
    const read = await h.admin('GET', `/workspaces/${ws.id}/thresholds`);
    assert.deepEqual(read.body, { workspaceId: ws.id, monthlyPercents: [75, 90, 100], addonBelow: null, expiringDays: [30, 7], updatedAt: null });
    const set = await h.admin('PUT', `/workspaces/${ws.id}/thresholds`, { monthlyPercents: [50, 10], addonBelow: 12.5, expiringDays: [] });
    assert.deepEqual([set.body.monthlyPercents, set.body.addonBelow, set.body.expiringDays], [[10, 50], 12.5, []]);
    assert.equal(set.body.updatedAt, h.clock.now().toISOString());
    const reset = await h.admin('PUT', `/workspaces/${ws.id}/thresholds`, { monthlyPercents: [] });
    assert.deepEqual([reset.body.monthlyPercents, reset.body.addonBelow, reset.body.expiringDays], [[], null, [30, 7]]);
    assert.equal((await hold(ws.token, 100)).status, 201);
    assert.deepEqual(await events(ws.id, 'credits.threshold_crossed'), []);
    assert.deepEqual(await events(ws.id, 'credits.depleted'), [['credits.depleted', null]]);

    const invalid: [unknown, string][] = [
      [{ monthlyPercents: [0] }, 'monthlyPercents[0]'],
      [{ monthlyPercents: [101] }, 'monthlyPercents[0]'],
      [{ monthlyPercents: [75.5] }, 'monthlyPercents[0]'],
      [{ monthlyPercents: [75, 75] }, 'monthlyPercents'],
      [{ addonBelow: 0 }, 'addonBelow'],
      [{ addonBelow: 1.0001 }, 'addonBelow'],
      [{ expiringDays: [400] }, 'expiringDays[0]'],
      [{ expiringDays: 30 }, 'expiringDays'],
      [{ percents: [75] }, 'percents'],
    ];
    for (const [body, field] of invalid) {
      const answer = await h.admin('PUT', `/workspaces/${ws.id}/thresholds`, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.field, field);
    }
    assert.equal((await h.admin('PUT', '/workspaces/ws_nope/thresholds', {})).status, 404);
    assert.equal((await h.admin('GET', '/workspaces/ws_nope/thresholds')).status, 404);
    assert.equal((await h.request('PUT', `/admin/workspaces/${ws.id}/thresholds`, ws.token, {})).status, 403);
  });

  it('tells when the add-on pool comes within 30 and 7 days of its expiry, once each; a purchase moves the dates', async () => {
    const start = new Date('2026-03-10T12:00:00.000Z');
    h.clock.set(start);
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10, addon: 200 });
    const expiry = oneYearAfter(start).getTime();
    await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 30, idempotencyKey: key() });
    h.clock.set(new Date(expiry - 30 * DAY - 1));
    await controls.sweep();
    assert.deepEqual(await events(ws.id, 'credits.expiring'), []);
    h.clock.advance(1);
    await controls.sweep();
    await controls.sweep();
    const [[, days]] = (await events(ws.id, 'credits.expiring')) as [string, number][];
    assert.equal(days, 30);
    const [notice] = await h.store.query<{ data: any }>("SELECT data FROM outbox_events WHERE workspace_id = $1 AND type = 'credits.expiring'", [ws.id]);
    assert.deepEqual(notice!.data, { workspaceId: ws.id, pool: 'addon', days: 30, credits: 180, expiresAt: new Date(expiry).toISOString() });

    // a purchase now moves the whole pool's expiry a year on: the notices follow it
    h.clock.advance(DAY);
    const later = h.clock.now().getTime();
    await h.admin('POST', `/workspaces/${ws.id}/addons`, { credits: 100, reference: randomUUID() });
    h.clock.set(new Date(expiry - 7 * DAY));
    await controls.sweep();
    assert.equal((await events(ws.id, 'credits.expiring')).length, 1);

    // a server that was down past both dates sends only the nearer one
    h.clock.set(new Date(oneYearAfter(new Date(later)).getTime() - 5 * DAY));
    await controls.sweep();
    assert.deepEqual((await events(ws.id, 'credits.expiring')).map(([, d]) => d), [30, 7]);
    await controls.sweep();
    assert.equal((await events(ws.id, 'credits.expiring')).length, 2);

    // at the expiry the rest of the pool expires
    h.clock.set(oneYearAfter(new Date(later)));
    await h.ledger.sweep();
    assert.deepEqual((await events(ws.id, 'credits.expired')).map(([, credits]) => credits).sort(), [100, 180]);
    assert.deepEqual(await h.audit(ws.id), []);
  });
});
