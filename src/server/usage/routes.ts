import type { Hono } from 'hono';
import { UsageCsvQuery, UsageSummaryQuery } from '../../contract/index.js';
import type { AppEnv } from '../http/auth.js';
import { parseQuery } from '../http/validate.js';
import type { UsageReports } from './usage.js';

/** GET /usage/summary, GET /usage.csv and GET /license, for builders. */
export function mountUsageRoutes(builder: Hono<AppEnv>, usage: UsageReports): void {
  builder.get('/usage/summary', async (c) => {
    const q = parseQuery(c, UsageSummaryQuery);
    return c.json(await usage.summary(c.get('builder'), q.from, q.to, q.groupBy ?? 'day'));
  });
  builder.get('/usage.csv', (c) => {
    const q = parseQuery(c, UsageCsvQuery);
    const day = (iso: string) => iso.slice(0, 10);
    return new Response(usage.csv(c.get('builder'), q.from, q.to), {
      headers: {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="credit-usage-${day(q.from)}-${day(q.to)}.csv"`,
        'cache-control': 'no-store',
      },
    });
  });
  builder.get('/license', async (c) => c.json(await usage.license(c.get('builder'))));
}
