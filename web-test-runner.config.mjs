// Browser tests in real Chromium. The real credit-chat backend is mounted on /api/v1 in the
// test server itself, so the elements under test talk to the real HTTP app, not to a mock.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { chromeLauncher } from '@web/test-runner-chrome';
import { getRequestListener } from '@hono/node-server';
import { register } from 'tsx/esm/api';
import { CHROMIUM_ARGS, ensureChromium } from './scripts/find-chromium.mjs';

register();

/**
 * React ships CommonJS only, which the browser cannot import as is: react and react-dom/client
 * are bundled once with esbuild into one ES module (so both share one React), and `react` and
 * `react-dom/client` resolve to small modules re-exporting its names (for test/browser/react.test.ts).
 */
function reactPrebundle() {
  const require = createRequire(import.meta.url);
  const modules = { react: '/__prebundled__/react.js', 'react-dom/client': '/__prebundled__/react-dom-client.js' };
  let bundle;
  const bundled = () =>
    (bundle ??= build({
      stdin: { contents: "export * as react from 'react'; export * as client from 'react-dom/client';", resolveDir: process.cwd() },
      bundle: true,
      format: 'esm',
      write: false,
      define: { 'process.env.NODE_ENV': '"development"' },
    }).then((result) => result.outputFiles[0].text));
  // the export names, read now: once the runner patches console, requiring react in Node fails
  const names = Object.fromEntries(
    Object.keys(modules).map((specifier) => [specifier, Object.keys(require(specifier)).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key))]),
  );
  const reexport = (name, specifier) =>
    `import { ${name} as m } from './react-bundle.js';\nexport default m;\nexport const { ${names[specifier].join(', ')} } = m;\n`;
  return {
    name: 'react-prebundle',
    resolveImport: ({ source }) => modules[source],
    async serve(context) {
      if (context.path === '/__prebundled__/react-bundle.js') return { body: await bundled(), type: 'js' };
      if (context.path === modules.react) return { body: reexport('react', 'react'), type: 'js' };
      if (context.path === modules['react-dom/client']) return { body: reexport('client', 'react-dom/client'), type: 'js' };
    },
  };
}
const { createTestBackend } = await import('./test/browser/backend.ts');
const backend = await createTestBackend();
const listener = getRequestListener(backend.fetch);

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  testsFinishTimeout: 300000,
  plugins: [reactPrebundle(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.base.json' })],
  middleware: [
    async function creditChatBackend(ctx, next) {
      if (!ctx.path.startsWith('/api/') && !ctx.path.startsWith('/__test__/')) return next();
      ctx.respond = false;
      await listener(ctx.req, ctx.res);
    },
  ],
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en">
      <head><script>window.process = { env: { NODE_ENV: 'test' } };</script></head>
      <body><script type="module" src="${testFramework}"></script></body>
    </html>`,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? ensureChromium(),
        headless: true,
        args: CHROMIUM_ARGS.filter((arg) => !arg.startsWith('--headless')),
      },
    }),
  ],
};
