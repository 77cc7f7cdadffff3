import * as z from 'zod/mini';
import { ERROR_STATUS } from '../contract/errors.js';
import { API_BASE, isAnswerSpec, ROUTES as TABLE, type Answer, type AnswerSpec, type RouteDef } from '../contract/routes.js';

type Schema = z.ZodMiniType;
type Json = Record<string, unknown>;

/**
 * The /api/v1 routes of the table as the access matrix and the fuzzer walk them: lower-case
 * method, path below /api/v1.
 */
export const ROUTES = TABLE.filter((route) => route.path.startsWith(`${API_BASE}/`)).map((route) => ({
  method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete',
  path: route.path.slice(API_BASE.length),
  summary: route.summary,
  auth: route.auth as RouteDef['auth'],
  admin: route.auth === 'admin',
}));

function jsonSchema(schema: Schema, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 303: 'See Other' };

/** The media type of a route's body as it is sent. */
const BODY_MEDIA = { json: 'application/json', raw: 'application/json', form: 'application/x-www-form-urlencoded' } as const;

function requestBody(route: RouteDef): Json {
  const media = BODY_MEDIA[route.bodyAs ?? 'json'];
  const schema = jsonSchema(route.body!, 'input');
  if (route.bodyAs === 'raw') schema.description = 'read raw: its signature is verified over the exact bytes before it is parsed';
  return { required: true, content: { [media]: { schema } } };
}

/** What an error status means, from the codes the contract answers with it. */
function errorDescription(status: number): string {
  const codes = Object.entries(ERROR_STATUS)
    .filter(([, s]) => s === status)
    .map(([code]) => code);
  return codes.length ? `error: ${codes.join(' or ')}` : `status ${status}`;
}

function responseObject(status: number, answer: Answer): Json {
  const spec: AnswerSpec = isAnswerSpec(answer) ? answer : { json: answer };
  const content: Json = {};
  if (spec.json) content['application/json'] = { schema: jsonSchema(spec.json, 'output') };
  if (spec.text) content[spec.text] = { schema: { type: 'string' } };
  if (spec.events) {
    // OpenAPI 3.1 has no schema for an event stream's events: each event's data is described
    // in `x-events` (the name `message` stands for events without a name).
    content['text/event-stream'] = {
      schema: { type: 'string', description: 'server-sent events' },
      'x-events': Object.fromEntries(Object.entries(spec.events).map(([name, schema]) => [name, jsonSchema(schema, 'output')])),
    };
  }
  const headers = spec.headers
    ? Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]))
    : undefined;
  return {
    description: spec.description ?? STATUS_TEXT[status] ?? errorDescription(status),
    ...(headers ? { headers } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

/** Path, query and header parameters, one per property of the route's schemas. */
function parameters(route: RouteDef): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query' | 'header', schema: Schema | undefined) => {
    if (!schema) return;
    const json = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
    }
  };
  add('path', route.params);
  add('query', route.query);
  add('header', route.headers);
  return out;
}

const SECURITY: Record<RouteDef['auth'], Json[]> = {
  none: [],
  builder: [{ builderToken: [] }],
  admin: [{ adminToken: [] }],
};

function operation(route: RouteDef): Json {
  const params = parameters(route);
  return {
    operationId: route.id,
    summary: route.summary,
    security: SECURITY[route.auth],
    ...(params.length ? { parameters: params } : {}),
    ...(route.body ? { requestBody: requestBody(route) } : {}),
    responses: Object.fromEntries(Object.entries(route.answers).map(([status, answer]) => [status, responseObject(Number(status), answer)])),
  };
}

let cached: Json | undefined;

/** HTTP contract v1 as an OpenAPI 3.1 document, generated from the route table. */
export function openApiDocument(): Json {
  if (cached) return cached;
  const paths: Record<string, Json> = {};
  for (const route of TABLE) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'credit-chat',
      version: '1.0.0',
      description:
        'AI chat with AI credits: ledger, estimates and metered AI operations (/api/v1), and an OpenAI-compatible gateway (/v1). ' +
        'Errors under /api/v1 are `{ error: { code, message, field?, ... } }`; gateway errors are in OpenAI\'s shape `{ error: { message, type, param, code } }`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        builderToken: { type: 'http', scheme: 'bearer', description: 'a builder token: names one workspace and one builder (the API key of the gateway)' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'CREDIT_CHAT_ADMIN_TOKEN' },
      },
    },
    paths,
  };
  return cached;
}
