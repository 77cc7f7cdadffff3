import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { OPERATION_CATALOG, OperationsResponse } from '../../src/contract/index.js';
import { createApp as createAppWith, Ledger } from '../../src/server/index.js';
import { openPgliteStore } from '../../src/server/store/pglite.js';

describe('GET /api/v1/operations', async () => {
  const store = await openPgliteStore();
  after(() => store.close());
  const createApp = () => createAppWith({ ledger: new Ledger(store) });
  it('answers the catalog of eight operation types, valid against the contract', async () => {
    const app = createApp();
    const response = await app.request('/api/v1/operations');
    assert.equal(response.status, 200);
    const body = z.parse(OperationsResponse, await response.json());
    assert.equal(body.operations.length, 8);
    assert.deepEqual(body.operations, OPERATION_CATALOG);
    assert.equal(body.operations.find((op) => op.type === 'sql_generation')?.averageCredits, 5);
  });

  it('answers an unknown route with a 404 error body', async () => {
    const response = await createApp().request('/api/v2/nope');
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'not_found');
  });

  it('documents every route as OpenAPI 3.1 generated from the zod schemas', async () => {
    const response = await createApp().request('/api/v1/openapi.json');
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, any>> };
    assert.equal(doc.openapi, '3.1.0');
    const hold = doc.paths['/api/v1/holds']!.post;
    const required = hold.requestBody.content['application/json'].schema.required as string[];
    assert.deepEqual([...required].sort(), ['credits', 'idempotencyKey', 'operation']);
    assert.ok(doc.paths['/api/v1/admin/workspaces/{id}/license']!.put);
  });
});
