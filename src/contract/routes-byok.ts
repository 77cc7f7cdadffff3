import { ByokStatus, PutByokRequest } from './byok.js';
import { ErrorBody as E } from './errors.js';
import type { RouteDef } from './route-def.js';

// The workspace's own provider key (the table: routes.ts).

export const putByok = {
  id: 'putByok',
  method: 'PUT',
  path: '/api/v1/byok',
  auth: 'builder',
  summary: "Store the workspace's own provider key (403 when the server has no CREDIT_CHAT_SECRET)",
  body: PutByokRequest,
  answers: { 200: ByokStatus, 400: E, 401: E, 403: E, 413: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const getByok = {
  id: 'getByok',
  method: 'GET',
  path: '/api/v1/byok',
  auth: 'builder',
  summary: 'The stored key: provider, model and a hint, never the key',
  answers: { 200: ByokStatus, 401: E, 403: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const deleteByok = {
  id: 'deleteByok',
  method: 'DELETE',
  path: '/api/v1/byok',
  auth: 'builder',
  summary: 'Remove the stored key',
  answers: { 200: ByokStatus, 401: E, 403: E, 429: E, 500: E, 503: E },
} as const satisfies RouteDef;
