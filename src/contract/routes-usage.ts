import { AccountLicense } from './account.js';
import { ErrorBody as E } from './errors.js';
import { defineRoute } from './route-def.js';
import { UsageCsvQuery, UsageSummary, UsageSummaryQuery } from './usage.js';

// The transparency API for builders: usage totals, every receipt as CSV, the license (the table:
// routes.ts). Declared with defineRoute: the browser bundle carries only the `…Call` parts.

/** `getUsageSummary` as the browser calls it. */
export const getUsageSummaryCall = { method: 'GET', path: '/api/v1/usage/summary', answers: { 200: UsageSummary } } as const;
export const getUsageSummary = /* @__PURE__ */ defineRoute(getUsageSummaryCall, {
  id: 'getUsageSummary',
  auth: 'builder',
  summary: 'Usage totals per day, operation or builder over a range (at most 400 days)',
  query: UsageSummaryQuery,
  answers: { 400: E, 401: E, 403: E, 429: E, 500: E, 503: E },
});

/** `getUsageCsv` as the browser calls it: a CSV file. */
export const getUsageCsvCall = {
  method: 'GET',
  path: '/api/v1/usage.csv',
  answers: {
    200: {
      text: 'text/csv',
      description: 'every receipt of the range, one a row, with a header row',
      headers: { 'Content-Disposition': 'attachment; filename="credit-usage-FROM-TO.csv"' },
    },
  },
} as const;
export const getUsageCsv = /* @__PURE__ */ defineRoute(getUsageCsvCall, {
  id: 'getUsageCsv',
  auth: 'builder',
  summary: 'Every receipt of a range as CSV',
  query: UsageCsvQuery,
  answers: { 400: E, 401: E, 403: E, 429: E, 500: E, 503: E },
});

/** `getLicense` as the browser calls it. */
export const getLicenseCall = { method: 'GET', path: '/api/v1/license', answers: { 200: AccountLicense } } as const;
export const getLicense = /* @__PURE__ */ defineRoute(getLicenseCall, {
  id: 'getLicense',
  auth: 'builder',
  summary: "The workspace's license as builders see it, its cycle and recent changes (404 before it has one)",
  answers: { 401: E, 403: E, 404: E, 429: E, 500: E, 503: E },
});
