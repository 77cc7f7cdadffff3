import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { routePath, type RouteDef } from '../../src/contract/route-def.js';
import { createWorkspace, grantAddon, issueToken, putByok, setLicense } from '../../src/contract/routes.js';
import { AiRuntime, createApp, createCreditChatServer } from '../../src/server/index.js';
import { startFakeOpenAI, type FakeReply, type RecordedRequest } from '../support/index.js';

const ADMIN_TOKEN = `test-admin-${randomUUID()}`;

/**
 * The real credit-chat server the browser tests talk to, in the test server's own process,
 * on an in-memory PGlite. `POST /__test__/workspace` creates a fresh workspace through the
 * real admin API and answers its builder tokens, so each test starts isolated.
 */
export async function createTestBackend(): Promise<{ fetch: (request: Request) => Response | Promise<Response> }> {
  const server = await createCreditChatServer({
    adminToken: ADMIN_TOKEN,
    sweepIntervalMs: 1000,
    // /estimate and /chat on the offline demo provider, answering at once
    ai: {
      provider: { provider: 'demo' },
      providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } },
      secret: `browser-tests-${randomUUID()}`,
      allowPrivateByokUrls: true,
    },
  });
  const fixtures = new Hono();
  /** A route of the contract's table, with the admin token unless another is given. */
  const call = (route: RouteDef, body: unknown, params: Record<string, string> = {}, token = ADMIN_TOKEN) =>
    server.app.request(routePath(route, params), {
      method: route.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  fixtures.post('/__test__/workspace', async (c) => {
    const options = (await c.req.json().catch(() => ({}))) as {
      builders?: number;
      creditsPerBuilder?: number;
      addon?: number;
      cycleAnchorDay?: number;
      /** the workspace pays with its own key (a demo-model key): chats debit nothing */
      byok?: boolean;
    };
    const builders = options.builders ?? 2;
    const created = (await (await call(createWorkspace, { name: 'browser test' })).json()) as { id: string };
    const id = { id: created.id };
    await call(setLicense, { builders, creditsPerBuilder: options.creditsPerBuilder ?? 500, cycleAnchorDay: options.cycleAnchorDay ?? 1 }, id);
    if (options.addon) await call(grantAddon, { credits: options.addon, reference: randomUUID() }, id);
    const tokens: string[] = [];
    for (let i = 1; i <= builders; i++) {
      const issued = (await (await call(issueToken, { builder: `builder-${i}` }, id)).json()) as { token: string };
      tokens.push(issued.token);
    }
    if (options.byok) {
      // the workspace's "own provider" is this server's OpenAI-compatible gateway, paid by a hidden workspace
      const upstream = new URL('/__test__/v1', c.req.url).href;
      await call(putByok, { provider: 'openai', apiKey: await byokUpstreamToken(), baseUrl: upstream, model: 'credit-chat-demo-1' }, {}, tokens[0]);
    }
    return c.json({ workspaceId: created.id, token: tokens[0], tokens });
  });
  // The host's server side of the token exchange: a builder token minted through the real admin
  // API, with its lifetime, answered as the API answers it ({ token, expiresAt, builder, workspaceId }).
  fixtures.post('/__test__/token', async (c) => {
    const { workspaceId, builder, ttlSeconds, roles } = (await c.req.json()) as { workspaceId: string; builder: string; ttlSeconds?: number; roles?: string[] };
    const minted = await call(issueToken, { builder, ...(ttlSeconds ? { ttlSeconds } : {}), ...(roles ? { roles } : {}) }, { id: workspaceId });
    return c.json(await minted.json(), minted.status as 201);
  });
  let upstreamToken: Promise<string> | undefined;
  const byokUpstreamToken = () =>
    (upstreamToken ??= (async () => {
      const created = (await (await call(createWorkspace, { name: 'byok upstream' })).json()) as { id: string };
      await call(setLicense, { builders: 1, creditsPerBuilder: 1_000_000, cycleAnchorDay: 1 }, { id: created.id });
      return ((await (await call(issueToken, { builder: 'upstream' }, { id: created.id })).json()) as { token: string }).token;
    })());
  fixtures.post('/__test__/v1/chat/completions', (c) =>
    server.app.request('/v1/chat/completions', { method: 'POST', headers: c.req.raw.headers, body: c.req.raw.body, duplex: 'half' } as RequestInit),
  );
  // Two more apps on the same ledger (so on the same workspaces), each under its own prefix:
  // `/__test__/limited/api/v1` with a per-builder rate limit (a real 429 with Retry-After);
  // `/__test__/faulty/api/v1` whose AI provider is a fake OpenAI upstream speaking the exact
  // wire protocol, answering by the prompt: "[fail after 5]" fails after 5 chunks.
  const limited = createApp({ ledger: server.ledger, ai: server.ai, rateLimit: { perMinute: 20, burst: 8 } });
  const upstream = await startFakeOpenAI();
  upstream.reply((request: RecordedRequest): FakeReply => {
    const failAfter = /\[fail after (\d+)\]/.exec(request.rawBody)?.[1];
    const text = 'Here is the query you asked for, written step by step with care so it streams in many small chunks.';
    return failAfter ? { text, fault: 'error_event', cutAfterChunks: Number(failAfter) } : { text };
  });
  const faulty = createApp({
    ledger: server.ledger,
    ai: new AiRuntime(server.ledger, {
      provider: { provider: 'openai', baseUrl: upstream.url, apiKey: 'sk-fake', model: 'gpt-4o-mini' },
      secret: `browser-tests-${randomUUID()}`,
    }),
  });
  for (const [prefix, app] of [
    ['/__test__/limited', limited],
    ['/__test__/faulty', faulty],
  ] as const) {
    fixtures.all(`${prefix}/*`, (c) => {
      const url = new URL(c.req.url);
      url.pathname = url.pathname.slice(prefix.length);
      const { method, headers, body } = c.req.raw;
      return app.fetch(new Request(url, { method, headers, body, duplex: 'half' } as RequestInit));
    });
  }
  // A license change through the real admin API (the browser tests hold no admin token).
  fixtures.put('/__test__/license', async (c) => {
    const { workspaceId, ...license } = (await c.req.json()) as { workspaceId: string; builders: number; creditsPerBuilder: number; cycleAnchorDay: number };
    const answer = await call(setLicense, license, { id: workspaceId });
    return c.json(await answer.json(), answer.status as 200);
  });
  // Per-builder limits through the real admin API: the default every builder gets.
  fixtures.put('/__test__/builder-limits', async (c) => {
    const { workspaceId, ...body } = (await c.req.json()) as { workspaceId: string; default: { credits: number; mode: string } | null };
    const answer = await server.app.request(`/api/v1/admin/workspaces/${workspaceId}/builder-limits`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return c.json(await answer.json(), answer.status as 200);
  });
  fixtures.route('/', server.app);
  return { fetch: (request) => fixtures.fetch(request) };
}
