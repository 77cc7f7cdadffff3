import { AutoTopUp, AutoTopUpRequest, AutoTopUpSetup, AutoTopUpSetupRequest } from './auto-top-up.js';
import { ErrorBody as E } from './errors.js';
import { IdParams, type RouteDef } from './route-def.js';

// Auto top-up (the table: routes.ts): the admin's setting, and the builder's saved payment method.

export const getAutoTopUp = {
  id: 'getAutoTopUp',
  method: 'GET',
  path: '/api/v1/admin/workspaces/{id}/auto-top-up',
  auth: 'admin',
  summary: "The workspace's auto top-up: threshold, credits, the most per cycle, the saved payment method",
  resource: 'workspace',
  params: IdParams,
  answers: { 200: AutoTopUp, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setAutoTopUp = {
  id: 'setAutoTopUp',
  method: 'PUT',
  path: '/api/v1/admin/workspaces/{id}/auto-top-up',
  auth: 'admin',
  summary: 'Turn auto top-up on or off, with its threshold, credits (a multiple of 100) and the most automatic purchases per cycle',
  resource: 'workspace',
  params: IdParams,
  body: AutoTopUpRequest,
  answers: { 200: AutoTopUp, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setupAutoTopUp = {
  id: 'setupAutoTopUp',
  method: 'POST',
  path: '/api/v1/auto-top-up/setup',
  auth: 'builder',
  summary: 'Save a payment method for auto top-up: a Checkout session in setup mode (403 when only the billing role may buy)',
  body: AutoTopUpSetupRequest,
  answers: { 201: AutoTopUpSetup, 400: E, 401: E, 403: E, 413: E, 429: E, 500: E, 502: E, 503: E },
} as const satisfies RouteDef;
