// Widget benchmark: the self-contained bundle in headless Chromium (playwright-core), beside
// deep-chat in the same run. Figures: element creation to first render; a 20,000-token markdown
// answer streamed in small chunks (longest main-thread task, scripting time, and how scripting
// grows from 5,000 to 20,000 tokens); a 2,000-message conversation (first render, DOM size).
//
// Both widgets read the same answer as server-sent events from a small local server, one token
// (about four characters) per event, a few events per network write: the client's own cost is
// what is measured, so the server side is scripted here, not the AI provider and ledger.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { build as esbuild } from 'esbuild';
import MarkdownIt from 'markdown-it';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { OPERATION_CATALOG, type Balance, type Estimate, type Message, type Receipt } from '../src/contract/index.js';
import { round, type BenchSuite, type Figure } from './figures.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** BENCH_WIDGET_QUICK=1 checks the harness in a minute: small sizes, one run (figures not comparable). */
const QUICK = process.env.BENCH_WIDGET_QUICK === '1';
const RUNS = QUICK ? 1 : 3;
/**
 * A first render is one page load and a few milliseconds: the median of 3 is noise, so more runs,
 * taken in turns (ours, deep-chat, ours, …) so that whatever else the machine does falls on both alike.
 */
const FIRST_RENDER_RUNS = QUICK ? 1 : 21;
const TOKENS_PER_WRITE = 8;
const SMALL_ANSWER = QUICK ? 500 : 5_000;
const LARGE_ANSWER = QUICK ? 2_000 : 20_000;
const HISTORY_MESSAGES = QUICK ? 200 : 2_000;
/** A page step that has not finished in this long has failed (e.g. the stream never settled). */
const STEP_TIMEOUT_MS = 300_000;

// ---- the answer: realistic markdown, cut into ~4-character tokens

const MARKDOWN_BLOCKS = [
  '## Step {n}: the orders query\n\nThis step **filters** the orders by _status_ and joins the customers, so the table shows `customer.name` beside each total. See [the docs](https://example.com/docs/{n}) for the options.\n\n',
  '- Add a `status` filter bound to the select\n- Sort by **created_at** descending\n- Page size of 50 rows\n  - keep the cursor in the URL\n\n',
  '```sql\nSELECT o.id, o.total, c.name\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nWHERE o.status = :status\nORDER BY o.created_at DESC\nLIMIT 50;\n```\n\n',
  '| column | type | note |\n|---|---|---|\n| id | uuid | primary key |\n| total | numeric | two decimals |\n\n',
  '> Tip: index `orders(status, created_at)` so the filter stays fast past a million rows.\n\n',
  '```ts\nexport function formatTotal(total: number, locale: string): string {\n  return new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).format(total);\n}\n```\n\n',
];

function answerTokens(count: number): string[] {
  const tokens: string[] = [];
  for (let block = 0; tokens.length < count; block++) {
    const text = MARKDOWN_BLOCKS[block % MARKDOWN_BLOCKS.length]!.replaceAll('{n}', String(block));
    for (let i = 0; i < text.length && tokens.length < count; i += 4) tokens.push(text.slice(i, i + 4));
  }
  return tokens;
}

// ---- the scripted server: pages, bundles, and the endpoints the widgets call

const balance: Balance = {
  total: 100_000,
  held: 0,
  monthly: { allocated: 100_000, available: 90_000, renewsAt: '2026-12-01T00:00:00.000Z' },
  addon: { available: 10_000, expiresAt: '2027-06-01T00:00:00.000Z' },
  byok: false,
  asOf: '2026-11-21T10:00:00.000Z',
};
const estimate: Estimate = { operation: 'docs_assistant', expected: 6, max: 12, inputTokens: 400, basis: 'average' };

function receipt(credits: number): Receipt {
  return {
    id: 'rcpt_bench',
    operation: 'docs_assistant',
    credits,
    fromMonthly: credits,
    fromAddon: 0,
    balance: { ...balance, total: balance.total - credits, asOf: new Date().toISOString() },
    createdAt: new Date().toISOString(),
    usage: { provider: 'bench', model: 'bench', inputTokens: 400, outputTokens: 0 },
    estimate: { expected: 6, max: 12 },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

/** Writes the tokens as server-sent events, a few per write, yielding to the event loop between writes. */
async function streamTokens(response: ServerResponse, tokens: readonly string[], event: (token: string) => string): Promise<void> {
  for (let i = 0; i < tokens.length; i += TOKENS_PER_WRITE) {
    response.write(tokens.slice(i, i + TOKENS_PER_WRITE).map(event).join(''));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const sse = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

function page(script: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<style>body{margin:0;font:14px system-ui} credit-chat, deep-chat{display:block;width:720px;height:640px}</style>
<script type="module" src="${script}"></script></head><body>${body}</body></html>`;
}

async function startServer(oursBundle: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const deepChatBundle = readFileSync(join(projectRoot, 'node_modules/deep-chat/dist/deepChat.bundle.js'));
  const ours = readFileSync(oursBundle);
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://bench');
    const json = (value: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    switch (`${request.method} ${url.pathname}`) {
      case 'GET /ours.html':
        return response.writeHead(200, { 'content-type': 'text/html' }).end(page('/ours.js', ''));
      case 'GET /deep.html':
        return response.writeHead(200, { 'content-type': 'text/html' }).end(page('/deep.js', ''));
      case 'GET /ours.js':
        return response.writeHead(200, { 'content-type': 'text/javascript' }).end(ours);
      case `GET ${url.pathname.endsWith('.js') && existsSync(join(dirname(oursBundle), basename(url.pathname))) ? url.pathname : ''}`:
        // the chunks ours loads lazily (import()), beside it
        return response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(dirname(oursBundle), basename(url.pathname))));
      case 'GET /deep.js':
        return response.writeHead(200, { 'content-type': 'text/javascript' }).end(deepChatBundle);
      case 'GET /api/v1/operations':
        return json({ operations: OPERATION_CATALOG });
      case 'GET /api/v1/balance':
        return json(balance);
      case 'POST /api/v1/estimate':
        await readBody(request);
        return json(estimate);
      case 'POST /api/v1/chat': {
        const { prompt } = JSON.parse(await readBody(request)) as { prompt: string };
        const tokens = answerTokens(Number(prompt.replace(/\D/g, '')));
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        response.write(sse('reserved', { holdId: 'hold_bench', credits: 12, estimate, conversationId: 'conv_bench', messageId: 'msg_bench' }));
        await streamTokens(response, tokens, (text) => sse('delta', { text }));
        return response.end(sse('settled', { receipt: receipt(6) }));
      }
      case 'POST /deep/stream': {
        await readBody(request);
        const tokens = answerTokens(Number(url.searchParams.get('tokens')));
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        await streamTokens(response, tokens, (text) => `data: ${JSON.stringify({ text })}\n\n`);
        return response.end();
      }
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// ---- what runs in the page

type Widget = 'ours' | 'deep';

/** A fresh page with the widget's script loaded (no element yet). */
async function openPage(browser: Browser, origin: string, widget: Widget): Promise<Page> {
  const page = await browser.newPage();
  // tsx compiles the functions passed to page.evaluate with esbuild's keepNames, which calls __name.
  await page.addInitScript('globalThis.__name = (target) => target;');
  await page.goto(`${origin}/${widget}.html`);
  await page.waitForFunction((tag) => !!customElements.get(tag), widget === 'ours' ? 'credit-chat' : 'deep-chat');
  return page;
}

/** Milliseconds from creating the element to its first rendered frame. */
function measureFirstRender(page: Page, widget: Widget): Promise<number> {
  return page.evaluate(async (widget) => {
    performance.mark('first-render-start');
    const start = performance.now();
    const el = document.createElement(widget === 'ours' ? 'credit-chat' : 'deep-chat');
    document.body.append(el);
    // Rendered: the element's shadow root has its content, and a frame has been produced.
    while (!el.shadowRoot?.firstElementChild) {
      if (performance.now() - start > 10_000) throw new Error(`${widget}: nothing rendered in 10 s`);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
    performance.mark('first-render-end');
    return performance.now() - start;
  }, widget);
}

/**
 * The main thread's own CPU time from creating the element to its first frame (thread time
 * between the two marks of `measureFirstRender`, from a trace). The wall-clock figure also
 * holds the wait for the next frame, whose phase is chance; this one is the work.
 */
async function firstRenderCpu(browser: Browser, page: Page, widget: Widget): Promise<number> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'blink.user_timing'] });
  await measureFirstRender(page, widget);
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: Array<TraceEvent & { tts?: number }> };
  const mark = (name: string) => traceEvents.find((e) => e.name === name && e.tts !== undefined)?.tts;
  const [start, end] = [mark('first-render-start'), mark('first-render-end')];
  if (start === undefined || end === undefined) throw new Error(`${widget}: the first-render marks are not in the trace`);
  return (end - start) / 1000;
}

/** Creates the element and waits until it can send. */
async function mountReady(page: Page, widget: Widget, tokens: number): Promise<void> {
  await page.evaluate(
    async ({ widget, tokens }) => {
      if (widget === 'ours') {
        const el = document.createElement('credit-chat');
        el.setAttribute('operation', 'docs_assistant');
        // the element sends nothing before it has a token (the scripted server reads none)
        el.setAttribute('token', 'bench-token');
        document.body.append(el);
        const textarea = await new Promise<HTMLTextAreaElement>((resolve, reject) => {
          const since = performance.now();
          const poll = () => {
            const found = el.shadowRoot?.querySelector('textarea');
            if (found) resolve(found);
            else if (performance.now() - since > 10_000) reject(new Error('credit-chat: no composer in 10 s'));
            else setTimeout(poll, 10);
          };
          poll();
        });
        textarea.value = `tokens ${tokens}`;
        textarea.dispatchEvent(new InputEvent('input'));
        await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      } else {
        const el = document.createElement('deep-chat') as HTMLElement & { connect: unknown };
        el.connect = { url: `/deep/stream?tokens=${tokens}`, method: 'POST', stream: true };
        document.body.append(el);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    { widget, tokens },
  );
}

/** Sends and resolves when the answer has fully rendered: the element's time from send to the end. */
function streamAnswer(page: Page, widget: Widget): Promise<number> {
  return withTimeout(`${widget} streaming`, page.evaluate(async (widget) => {
    const start = performance.now();
    if (widget === 'ours') {
      const el = document.querySelector('credit-chat')!;
      const done = new Promise((resolve) => el.addEventListener('credit-debited', resolve, { once: true }));
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!.click();
      await done;
    } else {
      const el = document.querySelector('deep-chat') as HTMLElement & {
        onMessage: (event: { message: { role: string }; isHistory: boolean }) => void;
        submitUserMessage: (content: { text: string }) => void;
      };
      const done = new Promise<void>((resolve) => {
        el.onMessage = ({ message, isHistory }) => {
          if (!isHistory && message.role === 'ai') resolve();
        };
      });
      el.submitUserMessage({ text: 'go' });
      await done;
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - start;
  }, widget));
}

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Milliseconds to show a conversation of `count` messages, and the DOM nodes it takes. */
function measureHistory(page: Page, widget: Widget, messages: Message[]): Promise<{ ms: number; nodes: number }> {
  return page.evaluate(
    async ({ widget, messages }) => {
      const countNodes = (root: Node): number => {
        let count = 0;
        const walk = (node: Node) => {
          count++;
          if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
          for (let child = node.firstChild; child; child = child.nextSibling) walk(child);
        };
        walk(root);
        return count;
      };
      let el: HTMLElement;
      const start = performance.now();
      if (widget === 'ours') {
        el = document.querySelector('credit-chat')!;
        (el as unknown as { messages: unknown }).messages = messages;
      } else {
        el = document.createElement('deep-chat');
        (el as unknown as { history: unknown }).history = messages.map((m) => ({ role: m.role === 'user' ? 'user' : 'ai', text: m.content }));
        document.body.append(el);
      }
      // Rendered: the last question (plain text in both widgets) is in the element.
      const lastQuestion = [...messages].reverse().find((m) => m.role === 'user')!.content;
      const shown = () => {
        let found = false;
        const walk = (node: Node) => {
          if (found) return;
          if (node.nodeType === Node.TEXT_NODE && node.textContent!.includes(lastQuestion)) found = true;
          if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
          for (let child = node.firstChild; child; child = child.nextSibling) walk(child);
        };
        walk(el);
        return found;
      };
      while (!shown()) {
        if (performance.now() - start > 60_000) throw new Error(`${widget}: the conversation did not render in 60 s`);
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const ms = performance.now() - start;
      return { ms, nodes: countNodes(el) };
    },
    { widget, messages },
  );
}

function conversation(count: number): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 === 0 ? 'user' : 'assistant',
    operation: 'docs_assistant',
    content: i % 2 === 0 ? `Question ${i}: how do I filter the orders table?` : MARKDOWN_BLOCKS[i % MARKDOWN_BLOCKS.length]!.replaceAll('{n}', String(i)),
    status: 'complete',
    receipt: i % 2 === 0 ? null : receipt(6),
    createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
  }));
}

// ---- main-thread figures from Chromium itself

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** From a devtools timeline trace of the page's main thread (ms): the longest task and the busy time (all tasks). */
function mainThreadFigures(trace: Buffer): { longest: number; busy: number } {
  const { traceEvents } = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] };
  const mainThreads = new Set(
    traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  let longest = 0;
  let busy = 0;
  for (const e of traceEvents) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || !mainThreads.has(`${e.pid}:${e.tid}`)) continue;
    longest = Math.max(longest, (e.dur ?? 0) / 1000);
    busy += (e.dur ?? 0) / 1000;
  }
  return { longest, busy };
}

/** Milliseconds of JavaScript (and the DOM calls it makes) in a CPU profile: all samples but idle, GC and native rendering. */
function scriptingTime(profile: { nodes: Array<{ id: number; callFrame: { functionName: string } }>; samples?: number[]; timeDeltas?: number[] }): number {
  const notScript = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let total = 0;
  profile.samples?.forEach((id, i) => {
    if (!notScript.has(names.get(id) ?? '')) total += profile.timeDeltas?.[i] ?? 0;
  });
  return total / 1000;
}

/** Streams one answer of `tokens` in a fresh page, traced: the longest task and the busy time; then once more, profiled: scripting. */
async function streamRun(browser: Browser, origin: string, widget: Widget, tokens: number) {
  const traced = await withPage(browser, origin, widget, async (page) => {
    await mountReady(page, widget, tokens);
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await streamAnswer(page, widget);
    return mainThreadFigures(await browser.stopTracing());
  });
  const scripting = await withPage(browser, origin, widget, async (page) => {
    await mountReady(page, widget, tokens);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await streamAnswer(page, widget);
    const { profile } = await cdp.send('Profiler.stop');
    return scriptingTime(profile);
  });
  return { ...traced, scripting };
}

async function withPage<T>(browser: Browser, origin: string, widget: Widget, use: (page: Page) => Promise<T>): Promise<T> {
  const page = await openPage(browser, origin, widget);
  try {
    return await use(page);
  } finally {
    await page.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function repeatRuns<T>(run: () => Promise<T>, runs = RUNS): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  return results;
}

/** The median first render of each widget, wall clock and main-thread CPU (traced, in runs of their own), measured in turns. */
async function firstRenders(browser: Browser, origin: string): Promise<Record<Widget, { ms: number; cpu: number }>> {
  const wall: Record<Widget, number[]> = { ours: [], deep: [] };
  const cpu: Record<Widget, number[]> = { ours: [], deep: [] };
  for (let i = 0; i < FIRST_RENDER_RUNS; i++) {
    for (const widget of ['ours', 'deep'] as const) {
      wall[widget].push(await withPage(browser, origin, widget, (page) => measureFirstRender(page, widget)));
      cpu[widget].push(await withPage(browser, origin, widget, (page) => firstRenderCpu(browser, page, widget)));
    }
  }
  return { ours: { ms: median(wall.ours), cpu: median(cpu.ours) }, deep: { ms: median(wall.deep), cpu: median(cpu.deep) } };
}

async function measure(browser: Browser, origin: string, widget: Widget) {
  const stream = async (tokens: number) => {
    // deep-chat re-renders the whole answer per chunk: a 20,000-token run takes minutes, so once.
    const runs = await repeatRuns(() => streamRun(browser, origin, widget, tokens), widget === 'deep' && tokens > SMALL_ANSWER ? 1 : RUNS);
    return {
      scripting: median(runs.map((r) => r.scripting)),
      busy: median(runs.map((r) => r.busy)),
      // The median run's longest task: one run's stall from another process on the machine is not the widget's.
      longest: median(runs.map((r) => r.longest)),
    };
  };
  const small = await stream(SMALL_ANSWER);
  const large = await stream(LARGE_ANSWER);
  const history = await repeatRuns(() =>
    withPage(browser, origin, widget, async (page) => {
      // Ours is shown a conversation once ready; deep-chat is created with its history.
      if (widget === 'ours') await mountReady(page, widget, 1);
      return measureHistory(page, widget, conversation(HISTORY_MESSAGES));
    }),
  );
  return {
    small,
    large,
    historyMs: median(history.map((h) => h.ms)),
    historyNodes: median(history.map((h) => h.nodes)),
  };
}

// ---- CommonMark conformance: ours, deep-chat's renderer and markdown-it on the spec examples

interface SpecExample {
  markdown: string;
  html: string;
  section: string;
}
const RAW_HTML_SECTIONS = ['HTML blocks', 'Raw HTML'];

/**
 * How many of the CommonMark 0.31 spec examples each renderer renders like the spec: ours in
 * the page (`<credit-markdown>` of the bundle), remarkable configured as deep-chat configures it
 * (`breaks: true`, `linkTarget: '_blank'`, every link allowed) and markdown-it (commonmark
 * preset) in Node. All HTML is compared in the page by the same normalization as the browser
 * test (test/browser/support/canonical-html.ts): whitespace between blocks, code blocks, and
 * links and images as the safe renderer must show them.
 */
async function commonmarkConformance(browser: Browser, origin: string) {
  const require = createRequire(import.meta.url);
  // spec.txt writes a tab as →; its own test runner puts the tabs back, and so does this one.
  const tabs = (text: string) => text.replace(/→/g, '\t');
  const examples = (require('commonmark-spec') as { tests: SpecExample[] }).tests.map((e) => ({ ...e, markdown: tabs(e.markdown), html: tabs(e.html) }));
  const { Remarkable } = require('remarkable') as {
    Remarkable: new (options: object) => { render(src: string): string; inline: { validateLink: (url: string) => boolean } };
  };
  const remarkable = new Remarkable({ breaks: true, linkTarget: '_blank' });
  remarkable.inline.validateLink = () => true;
  const markdownIt = new MarkdownIt('commonmark');
  const canonical = await esbuild({
    entryPoints: [join(projectRoot, 'test/browser/support/canonical-html.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__canonical',
    target: 'es2022',
  });
  const page = await openPage(browser, origin, 'ours');
  try {
    await page.addScriptTag({ content: canonical.outputFiles[0]!.text });
    const cases = examples.map((e) => ({
      markdown: e.markdown,
      spec: e.html,
      remarkable: remarkable.render(e.markdown),
      markdownIt: markdownIt.render(e.markdown),
      rawHtml: RAW_HTML_SECTIONS.includes(e.section),
    }));
    return await page.evaluate(async (cases) => {
      const { canonicalHtml, parseHtml } = (globalThis as unknown as { __canonical: typeof import('../test/browser/support/canonical-html.js') }).__canonical;
      const passed = { ours: 0, remarkable: 0, markdownIt: 0, oursOutsideRawHtml: 0, outsideRawHtml: 0 };
      for (const c of cases) {
        const element = document.createElement('credit-markdown') as HTMLElement & { markdown: string; updateComplete: Promise<unknown> };
        element.markdown = c.markdown;
        document.body.append(element);
        await element.updateComplete;
        const ours = canonicalHtml(element.shadowRoot!.querySelector('.markdown')!);
        element.remove();
        const spec = canonicalHtml(parseHtml(c.spec));
        if (ours === spec) passed.ours++;
        if (canonicalHtml(parseHtml(c.remarkable)) === spec) passed.remarkable++;
        if (canonicalHtml(parseHtml(c.markdownIt)) === spec) passed.markdownIt++;
        if (!c.rawHtml) {
          passed.outsideRawHtml++;
          if (ours === spec) passed.oursOutsideRawHtml++;
        }
      }
      return { ...passed, total: cases.length };
    }, cases);
  } finally {
    await page.close();
  }
}

async function bundleOurs(outDir: string): Promise<string> {
  await build({
    root: projectRoot,
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      target: 'es2022',
      outDir,
      emptyOutDir: true,
      minify: true,
      lib: { entry: join(projectRoot, 'src/index.ts'), formats: ['es'], fileName: () => 'ours.js' },
      // as vite.config.ts: what the lazily loaded chunks share with the core stays in the core's file
      rollupOptions: { preserveEntrySignatures: 'allow-extension' },
    },
  });
  return join(outDir, 'ours.js');
}

export const widgetSuite: BenchSuite = {
  name: 'widget',
  async run() {
    mkdirSync(join(projectRoot, '.tmp'), { recursive: true });
    const work = mkdtempSync(join(projectRoot, '.tmp', 'bench-widget-'));
    const server = await startServer(await bundleOurs(work));
    // Chromium as `npm test` finds it (CHROME_PATH, Debian's chromium, installed when missing), with its flags
    const finder = (await import(pathToFileURL(join(projectRoot, 'scripts', 'find-chromium.mjs')).href)) as { ensureChromium: () => string; CHROMIUM_ARGS: string[] };
    const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || finder.ensureChromium(), args: finder.CHROMIUM_ARGS });
    try {
      const conformance = await commonmarkConformance(browser, server.origin);
      const percent = (passed: number) => round((100 * passed) / conformance.total);
      const firstRender = await firstRenders(browser, server.origin);
      const ours = { ...(await measure(browser, server.origin, 'ours')), firstRender: firstRender.ours.ms, firstRenderCpu: firstRender.ours.cpu };
      const deep = { ...(await measure(browser, server.origin, 'deep')), firstRender: firstRender.deep.ms, firstRenderCpu: firstRender.deep.cpu };
      const peer = (value: number) => ({ name: 'deep-chat', value: round(value) });
      const growth = (m: typeof ours, key: 'busy' | 'scripting') => m.large[key] / m.small[key];
      const ms = (id: string, label: string, value: number, peerValue: number, bar?: Figure['bar']): Figure => ({
        id,
        label,
        value: round(value),
        unit: 'ms',
        peer: peer(peerValue),
        ...(bar ? { bar } : {}),
      });
      const figures: Figure[] = [
        {
          id: 'commonmark.pass-rate',
          label: `CommonMark 0.31 spec examples rendered like the spec (of ${conformance.total}), beside deep-chat's renderer (remarkable as deep-chat configures it)`,
          value: percent(conformance.ours),
          unit: '%',
          peer: { name: 'deep-chat', value: percent(conformance.remarkable) },
          note: `${conformance.ours} vs ${conformance.remarkable}; raw HTML is shown as text by design`,
        },
        {
          id: 'commonmark.pass-rate.markdown-it',
          label: 'CommonMark 0.31 spec examples rendered like the spec, beside markdown-it (commonmark preset)',
          value: percent(conformance.ours),
          unit: '%',
          peer: { name: 'markdown-it', value: percent(conformance.markdownIt) },
          note: `${conformance.ours} vs ${conformance.markdownIt}`,
        },
        {
          id: 'commonmark.pass-rate.outside-raw-html',
          label: 'CommonMark spec examples outside the two raw-HTML sections rendered like the spec',
          value: round((100 * conformance.oursOutsideRawHtml) / conformance.outsideRawHtml),
          unit: '%',
          bar: { op: '>=', value: 95 },
          note: `${conformance.oursOutsideRawHtml} of ${conformance.outsideRawHtml}`,
        },
        ms('widget.first-render', 'Element creation to first render', ours.firstRender, deep.firstRender),
        ms('widget.first-render.cpu', 'Element creation to first render: main-thread CPU time (traced)', ours.firstRenderCpu, deep.firstRenderCpu),
        ms('widget.stream-20k.longest-task', `${LARGE_ANSWER.toLocaleString('en-US')}-token answer streamed: longest main-thread task (median of runs)`, ours.large.longest, deep.large.longest, {
          op: '<=',
          value: 50,
        }),
        ms('widget.stream-20k.scripting', `${LARGE_ANSWER.toLocaleString('en-US')}-token answer streamed: scripting time`, ours.large.scripting, deep.large.scripting),
        ms('widget.stream-20k.busy', `${LARGE_ANSWER.toLocaleString('en-US')}-token answer streamed: main-thread work (script, style, layout, paint, GC)`, ours.large.busy, deep.large.busy),
        ms('widget.stream-5k.scripting', `${SMALL_ANSWER.toLocaleString('en-US')}-token answer streamed: scripting time`, ours.small.scripting, deep.small.scripting),
        ms('widget.stream-5k.busy', `${SMALL_ANSWER.toLocaleString('en-US')}-token answer streamed: main-thread work`, ours.small.busy, deep.small.busy),
        {
          id: 'widget.stream.growth',
          label: `Main-thread work, ${LARGE_ANSWER.toLocaleString('en-US')} over ${SMALL_ANSWER.toLocaleString('en-US')} tokens`,
          value: round(growth(ours, 'busy'), 2),
          unit: '×',
          peer: { name: 'deep-chat', value: round(growth(deep, 'busy'), 2) },
          bar: { op: '<=', value: 5 },
          note: `linear is ${LARGE_ANSWER / SMALL_ANSWER}`,
        },
        {
          id: 'widget.stream.scripting-growth',
          label: `Scripting time, ${LARGE_ANSWER.toLocaleString('en-US')} over ${SMALL_ANSWER.toLocaleString('en-US')} tokens`,
          value: round(growth(ours, 'scripting'), 2),
          unit: '×',
          peer: { name: 'deep-chat', value: round(growth(deep, 'scripting'), 2) },
          note: `linear is ${LARGE_ANSWER / SMALL_ANSWER}`,
        },
        ms('widget.history-2000.first-render', `${HISTORY_MESSAGES.toLocaleString('en-US')}-message conversation: first render`, ours.historyMs, deep.historyMs, { op: '<=', value: 150 }),
        {
          id: 'widget.history-2000.dom-nodes',
          label: `${HISTORY_MESSAGES.toLocaleString('en-US')}-message conversation: DOM nodes`,
          value: ours.historyNodes,
          unit: 'nodes',
          peer: { name: 'deep-chat', value: deep.historyNodes },
        },
      ];
      return figures;
    } finally {
      await browser.close();
      await server.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
};
