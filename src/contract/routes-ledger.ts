import { ErrorBody as E } from './errors.js';
import { Balance, CaptureRequest, CreateHoldRequest, DebitRequest, Hold, Receipt, UsageQuery, UsageResponse } from './ledger.js';
import { OperationsResponse } from './operations.js';
import { defineRoute, IdParams, type RouteDef } from './route-def.js';

// The ledger's routes for builders, and the operation catalog (the table: routes.ts). A route the
// browser calls is declared with defineRoute: its `…Call` part is all the browser bundle carries.

/** `listOperations` as the browser calls it. */
export const listOperationsCall = { method: 'GET', path: '/api/v1/operations', answers: { 200: OperationsResponse } } as const;
export const listOperations = /* @__PURE__ */ defineRoute(listOperationsCall, {
  id: 'listOperations',
  auth: 'none',
  summary: 'The operation catalog with average credits',
  answers: { 500: E },
});

/** `getBalance` as the browser calls it. */
export const getBalanceCall = { method: 'GET', path: '/api/v1/balance', answers: { 200: Balance } } as const;
export const getBalance = /* @__PURE__ */ defineRoute(getBalanceCall, {
  id: 'getBalance',
  auth: 'builder',
  summary: 'Combined balance with the monthly and add-on breakdown',
  answers: { 401: E, 403: E, 429: E, 500: E, 503: E },
});

export const createHold = {
  id: 'createHold',
  method: 'POST',
  path: '/api/v1/holds',
  auth: 'builder',
  summary: 'Reserve credits',
  body: CreateHoldRequest,
  answers: { 201: Hold, 400: E, 401: E, 402: E, 403: E, 413: E, 422: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const captureHold = {
  id: 'captureHold',
  method: 'POST',
  path: '/api/v1/holds/{id}/capture',
  auth: 'builder',
  summary: 'Capture at most the hold; release the rest',
  resource: 'hold',
  params: IdParams,
  body: CaptureRequest,
  answers: { 200: Receipt, 400: E, 401: E, 403: E, 404: E, 409: E, 413: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const voidHold = {
  id: 'voidHold',
  method: 'POST',
  path: '/api/v1/holds/{id}/void',
  auth: 'builder',
  summary: 'Release a hold',
  resource: 'hold',
  params: IdParams,
  answers: { 200: Hold, 401: E, 403: E, 404: E, 409: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const debit = {
  id: 'debit',
  method: 'POST',
  path: '/api/v1/debits',
  auth: 'builder',
  summary: 'Hold and capture in one step',
  body: DebitRequest,
  answers: { 201: Receipt, 400: E, 401: E, 402: E, 403: E, 413: E, 422: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const listUsage = {
  id: 'listUsage',
  method: 'GET',
  path: '/api/v1/usage',
  auth: 'builder',
  summary: 'Settled operations, newest first',
  query: UsageQuery,
  answers: { 200: UsageResponse, 400: E, 401: E, 403: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;
