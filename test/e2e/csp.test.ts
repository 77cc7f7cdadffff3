// Embedding safety: the self-contained bundle (built here with vite.config.ts's options) loaded
// by a host page under a strict Content-Security-Policy — no inline script, no eval, no inline
// style — against the real backend (in-memory PGlite, offline demo model), driven in Chromium.
// Every `securitypolicyviolation` the page raises fails the test.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildSelfContainedBundle } from '../support/self-contained-bundle.js';
import type { Balance, Receipt } from '../../src/contract/index.js';
import { createCreditChatServer, type CreditChatServer } from '../../src/server/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_TOKEN = 'csp-e2e-admin-token-0123456789';
const SQL_PROMPT = 'Top 10 customers by lifetime value';
const credits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** The host page's policy: everything from its own origin only, nothing inline, nothing evaluated. */
const HOST_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HOST_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CSP host</title>
  <script type="module" src="/credit-chat.bundle.js"></script>
  <script type="module" src="/host.js"></script>
</head>
<body>
  <main id="host"></main>
</body>
</html>
`;

// External, as a strict host's own code is: reads the token from its query string.
const HOST_JS = `
const token = new URLSearchParams(location.search).get('token');
const host = document.getElementById('host');
const balance = document.createElement('credit-balance');
balance.id = 'balance';
balance.token = token;
const chat = document.createElement('credit-chat');
chat.id = 'chat';
chat.token = token;
host.append(balance, chat);
document.documentElement.dataset.ready = 'true';
`;

// The control: what zod's `new Function` probe would do, from an allowed script.
const EVAL_PROBE_JS = `try { new Function(''); } catch {}`;

let work = '';
let bundle = '';
let backend: CreditChatServer | undefined;
let host: Server | undefined;
let origin = '';
let browser: Browser | undefined;
let page: Page;
let token = '';
const violations: string[] = [];
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

async function admin<T>(path: string, body: unknown, method = 'POST'): Promise<T> {
  const response = await backend!.app.request(`/api/v1/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `${path} answered ${response.status}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

async function chromiumToLaunch(): Promise<{ executablePath: string; args: string[] }> {
  const finder = (await import(pathToFileURL(join(root, 'scripts', 'find-chromium.mjs')).href)) as {
    ensureChromium: () => string;
    CHROMIUM_ARGS: string[];
  };
  return { executablePath: process.env.CHROME_PATH || finder.ensureChromium(), args: finder.CHROMIUM_ARGS };
}

before(async () => {
  // Inside the project, as bench/bundle-size.ts does, so every import resolves from node_modules.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  work = mkdtempSync(join(root, '.tmp', 'csp-e2e-'));
  bundle = (await buildSelfContainedBundle(join(root, 'src/index.ts'), work)).toString('utf8');

  backend = await createCreditChatServer({
    adminToken: ADMIN_TOKEN,
    sweepIntervalMs: 0,
    ai: { provider: { provider: 'demo' }, providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } } },
  });
  const workspace = await admin<{ id: string }>('/workspaces', { name: 'CSP host' });
  await admin(`/workspaces/${workspace.id}/license`, { builders: 1, creditsPerBuilder: 500, cycleAnchorDay: 1 }, 'PUT');
  await admin(`/workspaces/${workspace.id}/addons`, { credits: 200, reference: 'csp-e2e' });
  token = (await admin<{ token: string }>(`/workspaces/${workspace.id}/tokens`, { builder: 'ada' })).token;

  const api = getRequestListener(backend.app.fetch);
  host = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    if (path.startsWith('/api/')) return void api(req, res);
    const send = (type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': type, 'x-content-type-options': 'nosniff', ...headers });
      res.end(body);
    };
    if (path === '/') return send('text/html; charset=utf-8', HOST_PAGE, { 'content-security-policy': HOST_CSP });
    if (path === '/credit-chat.bundle.js') return send('text/javascript; charset=utf-8', bundle);
    // the chunks the bundle loads lazily (import()), served beside it as a host serves dist/
    const chunk = /^\/([\w.-]+\.js)$/.exec(path)?.[1];
    if (chunk && existsSync(join(work, chunk))) return send('text/javascript; charset=utf-8', readFileSync(join(work, chunk), 'utf8'));
    if (path === '/host.js') return send('text/javascript; charset=utf-8', HOST_JS);
    if (path === '/eval-probe.js') return send('text/javascript; charset=utf-8', EVAL_PROBE_JS);
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => host!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

  browser = await chromium.launch(await chromiumToLaunch());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  // Not page script: the CSP does not apply to it. It records every violation the page raises.
  await context.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      w.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
    });
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (host ? host.close(resolve) : resolve(undefined)));
  await backend?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function recordedViolations(): Promise<string[]> {
  const inPage = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  violations.splice(0, violations.length, ...inPage);
  return violations;
}

test('the host page and the bundle are served with the strict policy', async () => {
  const response = await fetch(`${origin}/`);
  assert.equal(response.headers.get('content-security-policy'), HOST_CSP);
  assert.doesNotMatch(HOST_CSP, /unsafe-inline|unsafe-eval|wasm-unsafe-eval/);
  assert.doesNotMatch(HOST_PAGE, /<script(?![^>]*\bsrc=)/, 'the host page has no inline script');
  assert.doesNotMatch(HOST_PAGE, /<style|style=/, 'the host page has no inline style');
  // zod/mini's objects are not the JIT ones, so the bundle has no `new Function` probe to trip.
  assert.doesNotMatch(bundle, /\bFunction\s*[(;,)]|\beval\s*\(/, 'the bundle evaluates no strings');
});

test('the API answers carry the security headers', async () => {
  for (const [path, auth] of [
    ['/api/v1/balance', token],
    ['/api/v1/operations', token],
    ['/api/v1/balance', 'not-a-token'],
    ['/api/v1/nowhere', token],
  ] as const) {
    const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${auth}` } });
    await response.arrayBuffer();
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/, path);
    assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
  }
});

test('under the strict CSP the balance renders its total and the chat streams an answer with its receipt', async () => {
  await page.goto(`${origin}/?token=${encodeURIComponent(token)}`);
  await page.locator('html[data-ready="true"]').waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate(() => !!customElements.get('credit-chat') && !!customElements.get('credit-balance')), true);

  // 1 builder × 500 monthly + 200 add-on
  await page.locator('#balance [part="total"]').filter({ hasText: /^700$/ }).waitFor({ timeout: 30_000 });
  await page.locator('#chat [part="composer"]').waitFor();

  await page.evaluate(() => {
    const w = window as unknown as { receipts: unknown[] };
    w.receipts = [];
    document.querySelector('credit-chat')!.addEventListener('credit-debited', (event) => w.receipts.push((event as CustomEvent).detail.receipt));
  });
  await page.locator('#chat select#operation').selectOption('sql_generation');
  await page.locator('#chat textarea#prompt').fill(SQL_PROMPT);
  await page.locator('#chat output#estimate').filter({ hasText: /≈ [\d.,]+ credits, up to/ }).waitFor();
  await page.locator('#chat [part="send-button"]').click();

  const answer = page.locator('#chat article.assistant').last();
  await answer.locator('[part="receipt"]').waitFor({ timeout: 30_000 });
  // the answer's markdown is in its <credit-markdown>'s shadow root (locators pierce it; innerText does not)
  assert.match(await answer.locator('.markdown').innerText(), /SELECT/);
  const receipts = await page.evaluate(() => (window as unknown as { receipts: Receipt[] }).receipts);
  assert.equal(receipts.length, 1);
  const receipt = receipts[0]!;
  assert.equal(receipt.operation, 'sql_generation');
  assert.ok(receipt.credits > 0);
  assert.match(await answer.locator('[part="receipt"]').innerText(), new RegExp(`Charged ${credits.format(receipt.credits).replace('.', '\\.')} credits`));

  // The balance element follows the debit, and agrees with the server.
  const balance = (await (await fetch(`${origin}/api/v1/balance`, { headers: { authorization: `Bearer ${token}` } })).json()) as Balance;
  assert.equal(Math.round(balance.total * 1000), Math.round(receipt.balance.total * 1000));
  const total = new RegExp(`^${credits.format(balance.total).replace('.', '\\.')}$`);
  await page.locator('#balance [part="total"]').filter({ hasText: total }).waitFor();
});

test('the page raised no CSP violation, no console error and no uncaught error', async () => {
  assert.deepEqual(await recordedViolations(), []);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
});

test('control: the page does report a blocked eval, so zero violations above means none happened', async () => {
  await page.addScriptTag({ url: '/eval-probe.js' });
  await page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
  const [violation] = await recordedViolations();
  assert.match(violation!, /^script-src blocked eval/);
});
