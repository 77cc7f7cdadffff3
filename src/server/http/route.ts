import type { Context, Env, Hono } from 'hono';
import * as z from 'zod/mini';
import type { RouteDef, RouteInput, SuccessBody } from '../../contract/routes.js';
import { successStatus } from '../../contract/routes.js';
import { ApiError } from '../errors.js';
import { invalidInput, parseBody, parseForm, parseQuery } from './validate.js';

/** A route's path as Hono writes it, relative to where `app` is mounted: `/holds/:id/capture`. */
export function honoPath(route: RouteDef, mount: string): string {
  if (!route.path.startsWith(mount)) throw new Error(`${route.id}: ${route.path} is not under ${mount}`);
  return route.path.slice(mount.length).replace(/\{(\w+)\}/g, ':$1') || '/';
}

/**
 * The route's inputs, each parsed with its schema from the table: 400 naming the field, 404 for
 * a path id that names nothing. A `raw` body is read as text and left to the handler (a signed
 * webhook verifies the exact bytes before reading anything).
 */
export async function routeInput<R extends RouteDef>(route: R, c: Context): Promise<RouteInput<R>> {
  const input: Record<string, unknown> = { params: {}, query: {}, headers: {}, body: undefined };
  if (route.params) {
    const parsed = z.safeParse(route.params, c.req.param());
    if (!parsed.success) {
      // the parameter that names nothing says what it would have named
      const param = String(parsed.error.issues[0]?.path[0] ?? '');
      const resource = typeof route.resource === 'object' ? route.resource[param] : route.resource;
      throw new ApiError('not_found', `${resource ?? 'resource'} not found`);
    }
    input.params = parsed.data;
  }
  if (route.query) input.query = parseQuery(c, route.query);
  if (route.headers) {
    const parsed = z.safeParse(route.headers, c.req.header());
    if (!parsed.success) throw invalidInput(parsed.error.issues, 'headers');
    input.headers = parsed.data;
  }
  if (route.bodyAs === 'raw') input.body = await c.req.text();
  else if (route.bodyAs === 'form' && route.body) input.body = await parseForm(c, route.body);
  else if (route.body) input.body = await parseBody(c, route.body);
  return input as RouteInput<R>;
}

/**
 * Registers `handler` for `route` on `app`, mounted at `mount` (`/api/v1`, `/api/v1/admin`):
 * method and path from the table, inputs validated with its schemas, and the handler's value
 * answered as JSON with the route's success status (201 where the table says so). A handler
 * that streams answers its own Response.
 */
export function handle<R extends RouteDef, E extends Env>(
  app: Hono<E>,
  mount: string,
  route: R,
  handler: (c: Context<E>, input: RouteInput<R>) => Promise<SuccessBody<R> | Response> | SuccessBody<R> | Response,
): void {
  const status = successStatus(route) as 200;
  app.on(route.method, honoPath(route, mount), async (c) => {
    const result = await handler(c as Context<E>, await routeInput(route, c));
    return result instanceof Response ? result : c.json(result as object, status);
  });
}
