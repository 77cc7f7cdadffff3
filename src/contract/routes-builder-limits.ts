import { ErrorBody as E } from './errors.js';
import { defineRoute } from './route-def.js';
import { BuilderLimits } from './spend-controls.js';

// Per-builder limits as a builder reads them, for `<credit-account>` (the table: routes.ts).

/** `listBuilderLimits` as the browser calls it. */
export const listBuilderLimitsCall = { method: 'GET', path: '/api/v1/builder-limits', answers: { 200: BuilderLimits } } as const;
export const listBuilderLimits = /* @__PURE__ */ defineRoute(listBuilderLimitsCall, {
  id: 'listBuilderLimits',
  auth: 'builder',
  summary: "The workspace's per-builder limits with each builder's use this cycle: every builder for a token with the billing role, else the caller's own row",
  answers: { 401: E, 403: E, 429: E, 500: E, 503: E },
});
