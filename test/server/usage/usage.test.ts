import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { USAGE_CSV_COLUMNS } from '../../../src/contract/index.js';
import { creditsText, csvField } from '../../../src/server/usage/csv.js';
import { Harness, key } from '../support/harness.js';
import { onEachStore } from '../support/stores.js';

/** RFC 4180, strictly: CRLF row ends, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (field += ch), i++;
    } else if (ch === '"' && field === '') (quoted = true), i++;
    else if (ch === ',') row.push(field), (field = ''), i++;
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), (i += 2);
    else if (ch === '\n' || ch === '\r') throw new Error(`bare line break at ${i}`);
    else (field += ch), i++;
  }
  assert.equal(field, '', 'the last row ends with CRLF');
  return rows;
}

const milli = (credits: number | string) => Math.round(Number(credits) * 1000);

onEachStore('the transparency API', (kind) => {
  let h: Harness;
  before(async () => {
    h = await Harness.open(kind);
  });
  after(() => h.close());

  it('CSV fields follow RFC 4180 and credits are exact', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
    assert.equal(csvField('=SUM(A1)', { text: true }), "'=SUM(A1)");
    assert.equal(csvField(null), '');
    assert.deepEqual([creditsText(24125), creditsText(3000), creditsText(1), creditsText(0), creditsText(100010)], ['24.125', '3', '0.001', '0', '100.01']);
  });

  it('the summary and the CSV agree with the receipts to the millicredit, days in the workspace time zone', async () => {
    const ws = await h.workspace({ builders: 3, creditsPerBuilder: 40, addon: 500, timeZone: 'America/New_York' });
    const plan: Array<[string, number, string, number]> = [
      // [time, builder index, operation, credits]
      ['2026-11-21T03:30:00.000Z', 0, 'sql_generation', 4.125], // Nov 20 in New York
      ['2026-11-21T04:59:59.999Z', 1, 'app_generation', 97.333], // Nov 20 in New York
      ['2026-11-21T05:00:00.000Z', 1, 'sql_generation', 5.001], // Nov 21 00:00 in New York
      ['2026-11-21T18:00:00.000Z', 2, 'modify_layout', 49.999], // crosses from monthly into add-on
      ['2026-11-22T12:00:00.000Z', 0, 'custom_code', 0.001],
      ['2026-11-22T12:00:00.000Z', 2, 'docs_assistant', 6.5],
    ];
    for (const [time, b, operation, credits] of plan) {
      h.clock.set(time);
      const debit = await h.request('POST', '/debits', ws.tokens[b]!, { operation, credits, idempotencyKey: key(), description: 'a "quoted", line\nbreak' });
      assert.equal(debit.status, 201, JSON.stringify(debit.body));
    }
    const receipts = (await h.request('GET', '/usage?limit=200', ws.token)).body.entries as any[];
    assert.equal(receipts.length, plan.length);
    const range = 'from=2026-11-20T00:00:00.000Z&to=2026-11-23T00:00:00.000Z';

    const byDay = (await h.request('GET', `/usage/summary?${range}&groupBy=day`, ws.token)).body;
    assert.equal(byDay.timeZone, 'America/New_York');
    assert.deepEqual(byDay.groups.map((g: any) => [g.key, g.operations, milli(g.credits)]), [
      ['2026-11-20', 2, 101458],
      ['2026-11-21', 2, 55000],
      ['2026-11-22', 2, 6501],
    ]);
    const sum = (list: any[], field: string) => list.reduce((s, r) => s + milli(r[field]), 0);
    for (const groupBy of ['day', 'operation', 'builder']) {
      const summary = (await h.request('GET', `/usage/summary?${range}&groupBy=${groupBy}`, ws.token)).body;
      for (const field of ['credits', 'fromMonthly', 'fromAddon']) {
        assert.equal(milli(summary.total[field]), sum(receipts, field), `${groupBy} total ${field}`);
        assert.equal(sum(summary.groups, field), sum(receipts, field), `${groupBy} groups ${field}`);
      }
      assert.equal(summary.total.operations, receipts.length);
    }
    const byBuilder = (await h.request('GET', `/usage/summary?${range}&groupBy=builder`, ws.token)).body;
    for (const group of byBuilder.groups) {
      assert.equal(milli(group.credits), sum(receipts.filter((r) => r.builder === group.key), 'credits'), group.key);
    }
    const byOperation = (await h.request('GET', `/usage/summary?${range}&groupBy=operation`, ws.token)).body;
    assert.equal(milli(byOperation.groups.find((g: any) => g.key === 'sql_generation').credits), 9126);

    const csv = await h.fetch(`/api/v1/usage.csv?${range}`, { headers: { authorization: `Bearer ${ws.token}` } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /attachment; filename="credit-usage-2026-11-20-2026-11-23.csv"/);
    const [header, ...rows] = parseCsv(await csv.text());
    assert.deepEqual(header, [...USAGE_CSV_COLUMNS]);
    assert.equal(rows.length, receipts.length);
    const col = (name: (typeof USAGE_CSV_COLUMNS)[number]) => USAGE_CSV_COLUMNS.indexOf(name);
    for (const row of rows) {
      const receipt = receipts.find((r) => r.id === row[col('receipt_id')]);
      assert.ok(receipt, row.join(','));
      assert.equal(row[col('time')], receipt.createdAt);
      assert.equal(row[col('operation')], receipt.operation);
      assert.equal(row[col('builder')], receipt.builder);
      assert.equal(milli(row[col('credits')]!), milli(receipt.credits));
      assert.equal(milli(row[col('from_monthly')]!), milli(receipt.fromMonthly));
      assert.equal(milli(row[col('from_addon')]!), milli(receipt.fromAddon));
      assert.equal(milli(row[col('from_monthly')]!) + milli(row[col('from_addon')]!), milli(row[col('credits')]!));
    }
    // oldest first
    assert.deepEqual(rows.map((r) => r[col('time')]), [...rows.map((r) => r[col('time')]!)].sort());
    // a narrower range: only Nov 21 in New York
    const day = (await h.request('GET', '/usage/summary?from=2026-11-21T05:00:00.000Z&to=2026-11-22T05:00:00.000Z&groupBy=operation', ws.token)).body;
    assert.equal(milli(day.total.credits), 55000);
  });

  it('streams a CSV longer than one page', async () => {
    const ws = await h.workspace({ builders: 1, creditsPerBuilder: 10_000 });
    h.clock.set('2026-11-25T10:00:00.000Z');
    for (let i = 0; i < 520; i++) {
      if (i % 7 === 0) h.clock.advance(1000); // some receipts share a timestamp
      assert.equal((await h.request('POST', '/debits', ws.token, { operation: 'custom_code', credits: 1.5, idempotencyKey: key() })).status, 201);
    }
    const csv = await h.fetch('/api/v1/usage.csv?from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z', { headers: { authorization: `Bearer ${ws.token}` } });
    const rows = parseCsv(await csv.text()).slice(1);
    assert.equal(rows.length, 520);
    assert.equal(new Set(rows.map((r) => r[0])).size, 520);
  });

  it('refuses a range that ends before it starts (400 naming to) and another workspace sees none of it', async () => {
    const ws = await h.workspace({ builders: 1 });
    const bad = await h.request('GET', '/usage/summary?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z', ws.token);
    assert.deepEqual([bad.status, bad.body.error.field], [400, 'to']);
    const missing = await h.request('GET', '/usage/summary?to=2026-11-21T00:00:00Z', ws.token);
    assert.deepEqual([missing.status, missing.body.error.field], [400, 'from']);
    const other = await h.workspace({ builders: 1 });
    const summary = (await h.request('GET', '/usage/summary?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z', other.token)).body;
    assert.equal(summary.total.operations, 0);
  });
});
