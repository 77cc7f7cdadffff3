import * as z from 'zod/mini';
import * as c from '../contract/index.js';

type Schema = z.ZodMiniType;

interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  body?: Schema;
  response?: Schema;
  stream?: boolean;
  admin?: boolean;
}

/** Every route of HTTP contract v1; the document at /api/v1/openapi.json is generated from it. */
export const ROUTES: Route[] = [
  { method: 'get', path: '/operations', summary: 'The operation catalog with average credits', response: c.OperationsResponse },
  { method: 'get', path: '/balance', summary: 'Combined balance with the monthly and add-on breakdown', response: c.Balance },
  { method: 'post', path: '/estimate', summary: 'What an operation is expected to cost', body: c.EstimateRequest, response: c.Estimate },
  { method: 'post', path: '/holds', summary: 'Reserve credits', body: c.CreateHoldRequest, response: c.Hold },
  { method: 'post', path: '/holds/{id}/capture', summary: 'Capture at most the hold; release the rest', body: c.CaptureRequest, response: c.Receipt },
  { method: 'post', path: '/holds/{id}/void', summary: 'Release a hold', response: c.Hold },
  { method: 'post', path: '/debits', summary: 'Hold and capture in one step', body: c.DebitRequest, response: c.Receipt },
  { method: 'post', path: '/chat', summary: 'Estimate, reserve, stream and settle one AI operation (server-sent events)', body: c.ChatRequest, stream: true },
  { method: 'get', path: '/usage', summary: 'Settled operations, newest first', response: c.UsageResponse },
  { method: 'get', path: '/conversations', summary: "The builder's conversations", response: c.ConversationsResponse },
  { method: 'get', path: '/conversations/{id}', summary: 'One conversation with its messages and receipts', response: c.Conversation },
  { method: 'put', path: '/byok', summary: "Store the workspace's own provider key", body: c.PutByokRequest, response: c.ByokStatus },
  { method: 'get', path: '/byok', summary: 'The stored key: provider, model and a hint, never the key', response: c.ByokStatus },
  { method: 'delete', path: '/byok', summary: 'Remove the stored key', response: c.ByokStatus },
  { method: 'post', path: '/admin/workspaces', summary: 'Create a workspace', body: c.CreateWorkspaceRequest, response: c.CreateWorkspaceResponse, admin: true },
  { method: 'put', path: '/admin/workspaces/{id}/license', summary: 'Set the license', body: c.LicenseRequest, response: c.License, admin: true },
  { method: 'post', path: '/admin/workspaces/{id}/addons', summary: 'Grant add-on credits (multiples of 100)', body: c.AddonRequest, response: c.AddonGrant, admin: true },
  { method: 'post', path: '/admin/workspaces/{id}/tokens', summary: 'Issue a builder token', body: c.IssueTokenRequest, response: c.IssueTokenResponse, admin: true },
];

function schema(s: Schema, io: 'input' | 'output'): unknown {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const responses: Record<string, unknown> = {
      '200': route.stream
        ? { description: 'reserved, delta..., then settled or error', content: { 'text/event-stream': { schema: { type: 'string' } } } }
        : { description: 'OK', content: { 'application/json': { schema: schema(route.response!, 'output') } } },
      default: { description: 'Error', content: { 'application/json': { schema: schema(c.ErrorBody, 'output') } } },
    };
    (paths[route.path] ??= {})[route.method] = {
      summary: route.summary,
      security: [{ [route.admin ? 'adminToken' : 'builderToken']: [] }],
      ...(params.length ? { parameters: params } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(route.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'credit-chat', version: '1.0.0', description: 'AI chat with AI credits: ledger, estimates and metered AI operations.' },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        builderToken: { type: 'http', scheme: 'bearer', description: 'names one workspace and one builder' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'CREDIT_CHAT_ADMIN_TOKEN' },
      },
    },
    paths,
  };
}
