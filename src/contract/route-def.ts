import * as z from 'zod/mini';

/**
 * What a route of HTTP contract v1 is (see `routes.ts`, the table), and what the server, the
 * client and the document need to read one. It imports no route's schemas, so the browser can
 * import it without carrying the server's or the operator's.
 */

type Schema = z.ZodMiniType;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** `builder`: a builder token (Bearer); `admin`: CREDIT_CHAT_ADMIN_TOKEN; `none`: anyone. */
export type Auth = 'none' | 'builder' | 'admin';

/** An answer that is not just a JSON body. */
export interface AnswerSpec {
  /** the JSON body (application/json) */
  json?: Schema;
  /** a text/event-stream answer: the schema of each event's data by event name (`message`: unnamed events) */
  events?: Readonly<Record<string, Schema>>;
  /** a text body of this content type, such as `text/csv` or `text/html` */
  text?: string;
  description?: string;
  /** response headers worth documenting, by name */
  headers?: Readonly<Record<string, string>>;
}

/** An answer: the schema of its JSON body, or an AnswerSpec. */
export type Answer = Schema | AnswerSpec;

export interface RouteDef {
  /** the OpenAPI operationId, and the name the server registers the handler by */
  readonly id: string;
  readonly method: Method;
  /** from the server's root, with `{name}` parameters */
  readonly path: string;
  readonly auth: Auth;
  readonly summary: string;
  /**
   * what a path's `{id}` names (or each parameter's, by name); a parameter that cannot name one
   * is 404 `<resource> not found`
   */
  readonly resource?: string | Readonly<Record<string, string>>;
  readonly params?: Schema;
  readonly query?: Schema;
  readonly body?: Schema;
  /**
   * How the body arrives: `json` (the default), `form` (application/x-www-form-urlencoded, parsed
   * with `body`), or `raw`: handed to the handler unread, as the string received (a webhook whose
   * signature is over the exact bytes); `body` then only documents it.
   */
  readonly bodyAs?: 'json' | 'form' | 'raw';
  /** request headers, lower-case names */
  readonly headers?: Schema;
  /** every status the route answers, with its body */
  readonly answers: Readonly<Record<number, Answer>>;
}

/** The part of a route a client needs to call it. */
export type RouteCall = Pick<RouteDef, 'method' | 'path' | 'answers'>;

export const API_BASE = '/api/v1';
export const GATEWAY_BASE = '/v1';

/** A path segment that can be an id; anything else names nothing. */
export const ResourceId = /* @__PURE__ */ z.string().check(z.regex(/^[A-Za-z0-9_-]{1,100}$/));
export const IdParams = z.object({ id: ResourceId });

export const RETRY_AFTER = { 'Retry-After': 'seconds to wait before retrying' } as const;

/**
 * A route declared in two parts: `call`, what a client needs to call it (method, path, success
 * answer; the browser imports just that), and the rest. The result is one route of the table.
 */
export function defineRoute<const C extends RouteCall, const R extends Omit<RouteDef, 'method' | 'path'>>(
  call: C,
  rest: R,
): C & Omit<R, 'answers'> & { readonly answers: C['answers'] & R['answers'] } {
  return { ...call, ...rest, answers: { ...call.answers, ...rest.answers } };
}

/** True for an AnswerSpec, false for a bare schema (every zod schema carries `_zod`). */
export function isAnswerSpec(answer: Answer): answer is AnswerSpec {
  return !('_zod' in answer);
}

/** The schema of an answer's JSON body, if it has one. */
export function answerJson(answer: Answer | undefined): Schema | undefined {
  if (!answer) return undefined;
  return isAnswerSpec(answer) ? answer.json : answer;
}

/** The route's success status (its one 2xx answer, or the redirect of a form post). */
export function successStatus(route: RouteCall): number {
  for (const status of Object.keys(route.answers)) if (Number(status) < 400) return Number(status);
  throw new Error(`${route.path} declares no success answer`);
}

/** `route.path` with its `{name}` parameters filled in (URI-encoded). */
export function routePath(route: RouteCall, params: Readonly<Record<string, string>> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

type Output<S> = S extends z.ZodMiniType ? z.output<S> : S extends { json: infer J } ? (J extends z.ZodMiniType ? z.output<J> : never) : never;
type SuccessKey<R extends RouteCall> = Extract<keyof R['answers'], 200 | 201 | 202 | 204 | 303>;
/** What the route answers on success (its JSON body). */
export type SuccessBody<R extends RouteCall> = Output<R['answers'][SuccessKey<R>]>;
/** The parsed inputs of a route. */
export type RouteInput<R extends RouteDef> = {
  params: R['params'] extends z.ZodMiniType ? z.output<R['params']> : Record<string, never>;
  query: R['query'] extends z.ZodMiniType ? z.output<R['query']> : Record<string, never>;
  body: R['bodyAs'] extends 'raw' ? string : R['body'] extends z.ZodMiniType ? z.output<R['body']> : undefined;
  headers: R['headers'] extends z.ZodMiniType ? z.output<R['headers']> : Record<string, never>;
};
