// Who is signed in to the demo: the seeded workspace's builders and their tokens (a real host
// issues tokens to its own signed-in users), and small authorized fetch helpers.
import { routePath, type RouteCall, type SuccessBody } from '../src/contract/route-def.js';
import type { DemoSession } from './seed.js';

export type { DemoBuilder, DemoSession } from './seed.js';

/** An error answer of the API or the demo routes, with the message the server gave. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function loadSession(): Promise<DemoSession> {
  const response = await fetch('/demo-api/session');
  if (!response.ok) throw new RequestError(response.status, `The demo server answered ${response.status}.`);
  return (await response.json()) as DemoSession;
}

/** A JSON request with the builder's token; throws a RequestError with the API's message on failure. */
export async function requestJson<T>(method: string, url: string, token: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new RequestError(0, 'The demo server could not be reached.');
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (json as { error?: { message?: string; field?: string } } | undefined)?.error;
    const field = error?.field ? ` (${error.field})` : '';
    throw new RequestError(response.status, (error?.message ?? `The server answered ${response.status}.`) + field);
  }
  return json as T;
}

/** A route of the contract's table (src/contract/routes.ts) called with the builder's token. */
export function requestRoute<R extends RouteCall>(
  route: R,
  token: string,
  { params, body }: { params?: Record<string, string>; body?: unknown } = {},
): Promise<SuccessBody<R>> {
  return requestJson<SuccessBody<R>>(route.method, routePath(route, params), token, body);
}

/** localStorage, namespaced per workspace so `npm start -- --reset` starts the page afresh too. */
export class DemoStorage {
  constructor(private readonly workspaceId: string) {}

  get(key: string): string | null {
    try {
      return localStorage.getItem(this.key(key));
    } catch {
      return null;
    }
  }

  set(key: string, value: string | null): void {
    try {
      if (value === null) localStorage.removeItem(this.key(key));
      else localStorage.setItem(this.key(key), value);
    } catch {
      // storage full or disabled: the demo still works, it just forgets on reload
    }
  }

  private key(key: string): string {
    return `credit-chat-demo:${this.workspaceId}:${key}`;
  }
}
