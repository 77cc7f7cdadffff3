// npm start: the demo app builder and the credit-chat backend in one process on one port.
// /api/ goes to the real Hono app, /demo-api/ to the demo's own routes, the rest to Vite.
import { getRequestListener } from '@hono/node-server';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer as createViteServer } from 'vite';
import { configFromEnv } from '../src/server/config.js';
import { createCreditChatServer } from '../src/server/index.js';
import { demoRoutes } from './demo-routes.js';
import { seedDemo } from './seed.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '5173' },
    host: { type: 'string', default: process.env.HOST ?? 'localhost' },
    reset: { type: 'boolean', default: false },
  },
  strict: true,
});

const env = configFromEnv();
const dataDir = resolve(env.dataDir);
if (values.reset) {
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`credit-chat demo: --reset, starting afresh (removed ${dataDir})`);
}
const backend = await createCreditChatServer({
  databaseUrl: env.databaseUrl,
  dataDir,
  adminToken: env.adminToken,
  rateLimit: env.rateLimit,
  maxStreamsPerBuilder: env.maxStreamsPerBuilder,
  corsOrigins: env.corsOrigins,
});
const { session, created } = await seedDemo(backend.ledger, dataDir);
const api = getRequestListener(backend.app.fetch);
const demoApi = getRequestListener(demoRoutes(session).fetch);
const server = createServer((req, res) => {
  if (req.url?.startsWith('/api/') || req.url?.startsWith('/v1/')) void api(req, res);
  else if (req.url?.startsWith('/demo-api/')) void demoApi(req, res);
  else vite.middlewares(req, res);
});
const vite = await createViteServer({
  root,
  configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
  // HMR's websocket on this same server and port (in middleware mode Vite has no server of its own)
  server: { middlewareMode: true, hmr: { server }, fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  appType: 'spa',
  logLevel: 'warn',
});
const port = Number(values.port);
server.listen(port, values.host, () => {
  const store = backend.store.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}`;
  console.log(`credit-chat demo: ${created ? 'seeded a demo workspace' : 'kept the demo workspace'} on ${store}`);
  console.log(`credit-chat demo: http://localhost:${port}/`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    void Promise.all([vite.close(), backend.close()]).then(() => process.exit(0));
  });
}
