import type { Hono } from 'hono';
import * as routes from '../../contract/routes.js';
import { API_BASE } from '../../contract/routes.js';
import type { AppEnv } from '../http/auth.js';
import { handle } from '../http/route.js';
import type { UsageReports } from './usage.js';

/** GET /usage/summary, GET /usage.csv and GET /license, for builders. */
export function mountUsageRoutes(builder: Hono<AppEnv>, usage: UsageReports): void {
  handle(builder, API_BASE, routes.getUsageSummary, (c, { query }) => usage.summary(c.get('builder'), query.from, query.to, query.groupBy ?? 'day'));
  handle(builder, API_BASE, routes.getUsageCsv, (c, { query }) => {
    const day = (iso: string) => iso.slice(0, 10);
    return new Response(usage.csv(c.get('builder'), query.from, query.to), {
      headers: {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="credit-usage-${day(query.from)}-${day(query.to)}.csv"`,
        'cache-control': 'no-store',
      },
    });
  });
  handle(builder, API_BASE, routes.getLicense, (c) => usage.license(c.get('builder')));
}
