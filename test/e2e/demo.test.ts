// End to end: the real demo started as the README says (`npm start -- --port <port> --reset`),
// driven in Chromium with playwright-core as a builder would use it. Takes the README's
// screenshot (1440×900): into .tmp/ on every run, and over docs/demo-screenshot.png only with
// UPDATE_SCREENSHOT=1, so that running the tests leaves the working tree as it was.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Balance, Estimate, Receipt } from '../../src/contract/index.js';
import { freePort } from '../server/support/server-process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT = process.env.UPDATE_SCREENSHOT === '1' ? join(root, 'docs', 'demo-screenshot.png') : join(root, '.tmp', 'demo-screenshot.png');
const SQL_PROMPT = 'Top 10 customers by lifetime value';
const APP_PROMPT = 'A CRM for customers and their orders';
const credits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const milli = (value: number) => Math.round(value * 1000);

interface Demo {
  url: string;
  child: ChildProcess;
  output: () => string;
}

interface Builder {
  id: string;
  name: string;
  token: string;
}

let demo: Demo | undefined;
let dataDir = '';
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let ada: Builder;
const pageErrors: string[] = [];

/** The whole process group npm started (npm, sh, tsx, node): by its id, never by name. */
function stopDemo(signal: NodeJS.Signals = 'SIGTERM'): void {
  const pid = demo?.child.pid;
  if (!pid || demo?.child.exitCode !== null || demo.child.signalCode !== null) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
process.once('exit', () => stopDemo('SIGKILL'));

async function startDemo(): Promise<Demo> {
  const port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'credit-chat-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CREDIT_CHAT_DATA_DIR: dataDir };
  // The README's `npm start`: embedded PGlite and the offline demo model.
  for (const name of ['DATABASE_URL', 'AI_PROVIDER', 'AI_BASE_URL', 'AI_API_KEY', 'AI_MODEL', 'PORT', 'HOST']) delete env[name];
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['start', '--', '--port', String(port), '--reset'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no URL within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const found = /credit-chat demo: (http:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
  return { url, child, output: () => output };
}

/** Chromium as `npm test` finds it (CHROME_PATH, Debian's chromium, …) and the flags it runs with. */
async function chromiumToLaunch(): Promise<{ executablePath: string; args: string[] }> {
  const finder = (await import(pathToFileURL(join(root, 'scripts', 'find-chromium.mjs')).href)) as {
    ensureChromium: () => string;
    CHROMIUM_ARGS: string[];
  };
  return { executablePath: process.env.CHROME_PATH || finder.ensureChromium(), args: finder.CHROMIUM_ARGS };
}

async function api<T>(path: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, demo!.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${path} answered ${response.status}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

const balanceOf = (token: string) => api<Balance>('/api/v1/balance', token);

async function openDemo(target: Page): Promise<void> {
  await target.goto(demo!.url);
  await target.locator('html[data-ready="true"]').waitFor({ timeout: 30_000 });
}

/**
 * axe-core's violations on the whole page, the elements' shadow roots included. One rule is
 * left to the widget's own tests: its code blocks scroll sideways without being focusable
 * (scrollable-region-focusable), which is the widget's to fix.
 */
async function axeViolations(target: Page): Promise<string[]> {
  await target.addScriptTag({ content: readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
  return target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'], rules: { 'scrollable-region-focusable': { enabled: false } } });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

const toolbarTotal = (target: Page) => target.locator('#toolbar-balance [part="total"]');

// One flow, step by step: after a failed step the later ones are skipped, not failed again.
let failedStep = '';
function step(name: string, body: (t: TestContext) => Promise<void>): void {
  test(name, async (t) => {
    if (failedStep) return t.skip(`skipped after "${failedStep}" failed`);
    try {
      await body(t);
    } catch (error) {
      failedStep = name;
      throw error;
    }
  });
}

before(async () => {
  demo = await startDemo();
  const session = await (await fetch(new URL('/demo-api/session', demo.url))).json() as { builders: Builder[] };
  ada = session.builders.find((b) => b.id === 'ada')!;
  browser = await chromium.launch(await chromiumToLaunch());
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', colorScheme: 'light' });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  stopDemo();
  await new Promise((resolve) => setTimeout(resolve, 300));
  stopDemo('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

step('npm start serves the demo app builder, seeded with 2 × 500 monthly and 200 add-on credits', async () => {
  assert.match(demo!.output(), /seeded a demo workspace/);
  await openDemo(page);
  assert.match(await page.title(), /Acme Builder/);
  await assert.doesNotReject(page.locator('credit-chat [part="composer"]').waitFor());
  await toolbarTotal(page).filter({ hasText: '1,200' }).waitFor();
  assert.equal(await page.locator('#builder-select option').count(), 2);
  assert.deepEqual(pageErrors, []);
});

step('hovering the credit icon opens the breakdown of the pools', async () => {
  await page.hover('#toolbar-balance [part="trigger"]');
  const breakdown = page.locator('#toolbar-balance [part="breakdown"]');
  await breakdown.waitFor({ state: 'visible' });
  const text = (await breakdown.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /Monthly 1,000 of 1,000 renews \w{3} \d{1,2}, \d{4}/);
  assert.match(text, /Add-on 200 valid until \w{3} \d{1,2}, \d{4}/);
  assert.match(text, /Held now 0/);
  assert.ok(await breakdown.getByRole('button', { name: 'Get AI credits' }).isVisible());
  await page.mouse.move(700, 400);
  await breakdown.waitFor({ state: 'hidden' });
});

let estimate: Estimate;
step('picking SQL generation and typing shows the estimate the server makes', async () => {
  await page.locator('credit-chat select#operation').selectOption('sql_generation');
  await page.locator('credit-chat textarea#prompt').fill(SQL_PROMPT);
  estimate = await api<Estimate>('/api/v1/estimate', ada.token, { operation: 'sql_generation', prompt: SQL_PROMPT });
  const shown = `≈ ${credits.format(estimate.expected)} credits, up to ${credits.format(estimate.max)}`;
  await page.locator('credit-chat output#estimate').filter({ hasText: shown }).waitFor();
});

let receipt: Receipt;
let balanceBefore: Balance;
let receiptText = '';
step('Send streams the answer and shows its receipt', async () => {
  balanceBefore = await balanceOf(ada.token);
  // Record the answer's length at every change while it is marked busy, and the receipt event.
  await page.evaluate(() => {
    const chat = document.querySelector('credit-chat')!;
    const w = window as unknown as { lengths: number[]; receipts: unknown[] };
    w.lengths = [];
    w.receipts = [];
    chat.addEventListener('credit-debited', (event) => w.receipts.push(event.detail.receipt));
    const options = { subtree: true, childList: true, characterData: true, attributes: true };
    const observed = new Set<ShadowRoot>();
    const observer = new MutationObserver(() => {
      const answers = chat.shadowRoot!.querySelectorAll('article.assistant');
      const last = answers[answers.length - 1];
      // the answer's text is in the shadow root of its <credit-markdown>: watch that too
      const view = last?.querySelector('credit-markdown')?.shadowRoot;
      if (view && !observed.has(view)) {
        observed.add(view);
        observer.observe(view, options);
      }
      // while it streams, once the first words replaced "Thinking…"
      if (last?.getAttribute('aria-busy') === 'true' && !last.querySelector('.thinking')) w.lengths.push(view?.textContent?.length ?? 0);
    });
    observer.observe(chat.shadowRoot!, options);
  });
  await page.locator('credit-chat [part="send-button"]').click();
  await page.locator('credit-chat article.assistant[aria-busy="true"]').waitFor();
  const answer = page.locator('credit-chat article.assistant').last();
  await answer.locator('[part="receipt"]').waitFor({ timeout: 30_000 });
  assert.equal(await answer.getAttribute('aria-busy'), 'false');

  const lengths = await page.evaluate(() => (window as unknown as { lengths: number[] }).lengths);
  const growing = new Set(lengths).size;
  assert.ok(growing >= 5, `the answer arrived in ${growing} steps, not as a stream`);
  assert.ok(lengths.every((n, i) => i === 0 || n >= lengths[i - 1]!), `the streamed text only grows: ${lengths.join(' ')}`);

  const receipts = await page.evaluate(() => (window as unknown as { receipts: Receipt[] }).receipts);
  assert.equal(receipts.length, 1);
  receipt = receipts[0]!;
  assert.equal(receipt.operation, 'sql_generation');
  assert.ok(receipt.credits > 0 && receipt.credits <= estimate.max, `charged ${receipt.credits}, reserved up to ${estimate.max}`);
  // a fresh demo's first SQL answer costs what the composer said, not a tenth of it
  assertWithinShown(receipt.credits, estimate);
  receiptText = (await answer.locator('[part="receipt"]').innerText()).replace(/\s+/g, ' ');
  assert.match(receiptText, new RegExp(`Charged ${credits.format(receipt.credits).replace('.', '\\.')} credits`));
  assert.match(receiptText, /estimate ≈ [\d.,]+, up to [\d.,]+/);
  assert.match(receiptText, /monthly \+ [\d.,]+ add-on/);
  // the answer's markdown is in its <credit-markdown>'s shadow root (locators pierce it; innerText does not)
  assert.match(await answer.locator('.markdown').innerText(), /SELECT/);
});

step('the balance dropped by exactly the receipt’s credits', async () => {
  const balanceAfter = await balanceOf(ada.token);
  assert.equal(milli(balanceBefore.total) - milli(receipt.credits), milli(balanceAfter.total));
  assert.equal(milli(receipt.balance.total), milli(balanceAfter.total));
  assert.equal(milli(receipt.fromMonthly) + milli(receipt.fromAddon), milli(receipt.credits));
  await toolbarTotal(page).filter({ hasText: new RegExp(`^${credits.format(balanceAfter.total).replace('.', '\\.')}$`) }).waitFor();
  await page.locator('credit-chat [part="balance"] [part="total"]').filter({ hasText: credits.format(balanceAfter.total) }).waitFor();
});

let sql = '';
step('Insert puts the SQL into the query editor', async () => {
  const answer = page.locator('credit-chat article.assistant').last();
  sql = (await answer.locator('pre code').first().innerText()).trim();
  assert.match(sql, /^SELECT/);
  await answer.getByRole('button', { name: /Insert/ }).first().click();
  const editor = page.locator('#query-editor');
  await page.waitForFunction((expected) => (document.querySelector<HTMLTextAreaElement>('#query-editor')?.value ?? '').trim() === expected, sql);
  assert.equal(await page.locator('#query-language').innerText(), 'sql');
  assert.equal((await editor.inputValue()).trim(), sql);
});

step('after a reload the conversation and the balance are as they were', async () => {
  const total = await toolbarTotal(page).innerText();
  await page.waitForTimeout(400); // the editors save after a short pause
  await page.reload();
  await page.locator('html[data-ready="true"]').waitFor();
  await page.locator('credit-chat article.user').filter({ hasText: SQL_PROMPT }).waitFor();
  const answer = page.locator('credit-chat article.assistant').last();
  assert.equal((await answer.locator('[part="receipt"]').innerText()).replace(/\s+/g, ' '), receiptText);
  assert.match(await answer.locator('.markdown').innerText(), /SELECT/);
  await toolbarTotal(page).filter({ hasText: new RegExp(`^${total.replace('.', '\\.')}$`) }).waitFor();
  assert.equal(milli((await balanceOf(ada.token)).total), milli(receipt.balance.total));
  assert.equal((await page.locator('#query-editor').inputValue()).trim(), sql);
  assert.ok(await page.locator('credit-chat').getAttribute('conversation-id'), 'the element opened the conversation it remembered');
});

step('the answer’s actions: 👍 is kept with it, Regenerate shows its cost first, the conversation list shows the conversation', async () => {
  const answer = page.locator('credit-chat article.assistant').last();
  await answer.locator('[part="feedback-up"]').click();
  await answer.locator('[part="feedback-up"][aria-pressed="true"]').waitFor();
  await page.locator('credit-chat .feedback-form').getByRole('button', { name: 'Cancel' }).click();
  await answer.locator('[part="regenerate-button"]').click();
  await page.locator('credit-chat .regenerate-estimate').filter({ hasText: /≈ [\d.,]+ credits, up to/ }).waitFor();
  await page.locator('credit-chat .regenerate-confirm').getByRole('button', { name: 'Cancel' }).click();
  const conversationId = await page.locator('credit-chat').getAttribute('conversation-id');
  await page.locator('credit-chat [part="conversation-list-button"]').click();
  const list = page.locator('credit-chat [part="conversation-list"]');
  await list.locator(`li[data-conversation-id="${conversationId}"][class="current"]`).waitFor();
  await page.keyboard.press('Escape');
  await list.waitFor({ state: 'detached' });
  const stored = await api<{ messages: { role: string; feedback?: { rating: string } | null }[] }>(`/api/v1/conversations/${conversationId}`, ada.token);
  assert.equal(stored.messages.at(-1)?.feedback?.rating, 'up');
});

/** The charge is at most the composer's "up to" and within half of its "≈" either way (the bench's bar). */
function assertWithinShown(charged: number, shown: { expected: number; max: number }): void {
  assert.ok(charged <= shown.max, `charged ${charged}, the composer said up to ${shown.max}`);
  assert.ok(Math.abs(charged - shown.expected) <= charged / 2, `charged ${charged}, the composer said ≈ ${shown.expected}`);
}

const parseCredits = (text: string) => Number(text.replace(/,/g, ''));

/** Picks an operation, sends a prompt with Enter, waits for the receipt of its answer; the answer and what the composer showed. */
async function ask(operation: string, prompt: string) {
  const answers = page.locator('credit-chat article.assistant');
  const count = await answers.count();
  await page.locator('credit-chat select#operation').selectOption(operation);
  await page.locator('credit-chat textarea#prompt').fill(prompt);
  const composer = page.locator('credit-chat output#estimate').filter({ hasText: /≈ [\d.,]+ credits, up to/ });
  await composer.waitFor();
  // the estimate of this prompt, once the one of the previous type or an empty prompt is replaced
  const expected = await api<Estimate>('/api/v1/estimate', ada.token, { operation, prompt });
  const line = `≈ ${credits.format(expected.expected)} credits, up to ${credits.format(expected.max)}`;
  await page.locator('credit-chat output#estimate').filter({ hasText: line }).waitFor();
  const found = /≈ ([\d.,]+) credits, up to ([\d.,]+)/.exec(await page.locator('credit-chat output#estimate').innerText())!;
  const shown = { expected: parseCredits(found[1]!), max: parseCredits(found[2]!) };
  await page.locator('credit-chat textarea#prompt').press('Enter');
  const answer = answers.nth(count);
  await answer.locator('[part="receipt"]').waitFor({ timeout: 30_000 });
  return { answer, shown };
}

/** The credits on an answer's receipt ("Charged 88.6 credits"). */
async function chargedOn(answer: ReturnType<Page['locator']>): Promise<number> {
  const text = (await answer.locator('[part="receipt"]').innerText()).replace(/\s+/g, ' ');
  return parseCredits(/Charged ([\d.,]+) credits/.exec(text)![1]!);
}

step('custom code: Insert puts the code into the code panel', async () => {
  const { answer } = await ask('custom_code', 'A transformer that formats order totals as currency');
  const code = (await answer.locator('pre code').first().innerText()).trim();
  await answer.getByRole('button', { name: /Insert/ }).first().click();
  await page.waitForFunction((expected) => (document.querySelector<HTMLTextAreaElement>('#code-editor')?.value ?? '').trim() === expected, code);
  assert.equal(await page.locator('#code-language').innerText(), 'javascript');
});

step('app generation: charged within what the composer showed, and Insert draws the app spec on the canvas', async () => {
  const { answer, shown } = await ask('app_generation', APP_PROMPT);
  // a fresh demo's first app generation: "≈ 100 credits, up to 200", and that is what it costs
  assert.ok(shown.expected >= 50, `the composer said ≈ ${shown.expected}`);
  assertWithinShown(await chargedOn(answer), shown);
  await answer.getByRole('button', { name: /Insert/ }).first().click();
  await page.locator('#canvas-surface .box').first().waitFor();
  assert.ok((await page.locator('#canvas-surface .box').count()) >= 3);
  assert.ok((await page.locator('#page-tabs [role="tab"]').count()) >= 2);
  assert.ok((await page.locator('#canvas-surface .box-table').count()) >= 1);
  assert.match(await page.locator('#app-name').inputValue(), /CRM/);
  assert.ok((await page.locator('#query-list button').count()) >= 1);
  await page.locator('#query-list button').first().click();
  assert.match(await page.locator('#query-editor').inputValue(), /^SELECT .*\nFROM /);
});

step('the screenshot the README shows', async () => {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(110, 760);
  await page.locator('#toasts .toast').last().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  const png = await page.screenshot({ path: SCREENSHOT });
  // a PNG's IHDR holds its width and height at bytes 16 and 20
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1440, 900]);
});

step('axe-core finds no violations in the page, with a conversation, an app and a dialog open', async () => {
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#get-credits').click();
  const purchaseDialog = page.locator('credit-purchase dialog');
  await purchaseDialog.waitFor({ state: 'visible' });
  await purchaseDialog.locator('dd.total').waitFor(); // priced by the server
  assert.deepEqual(await axeViolations(page), []);
  await page.keyboard.press('Escape');
  await purchaseDialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'get-credits', 'focus returns to the button that opened the dialog');
});

step('Get AI credits buys add-on credits through the demo gateway and every open tab shows the new balance', async () => {
  const other = await context.newPage();
  try {
    await openDemo(other);
    // The other tab signs in as Grace: another builder, the same pool.
    await other.locator('#builder-select').selectOption('grace');
    await other.locator('credit-chat .empty').waitFor(); // Grace's conversations, not Ada's
    const start = await balanceOf(ada.token);
    await toolbarTotal(other).filter({ hasText: new RegExp(`^${credits.format(start.total).replace('.', '\\.')}$`) }).waitFor();

    await page.hover('#toolbar-balance [part="trigger"]');
    await page.locator('#toolbar-balance [part="buy-button"]').click();
    const dialog = page.locator('credit-purchase dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByRole('button', { name: '100', exact: true }).click();
    await dialog.locator('.price').filter({ hasText: '100 credits' }).waitFor();
    await dialog.getByLabel('Promo code').fill('DEMO10');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.locator('#promo-status').filter({ hasText: 'DEMO10: 10% off' }).waitFor();
    await dialog.getByRole('button', { name: 'Continue to payment' }).click();

    // the offline demo gateway's page: amount, discount, Pay
    await page.waitForURL(/\/api\/v1\/demo-checkout\/cs_demo_/);
    assert.match(await page.locator('main').innerText(), /100 AI credits[\s\S]*\$10\.00[\s\S]*Promo DEMO10[\s\S]*\$9\.00/);
    await page.getByRole('button', { name: 'Pay $9.00' }).click();

    // back in the editor: the dialog says how it ended, and every tab shows the new balance
    await page.waitForURL((url) => !url.pathname.startsWith('/api/'));
    await page.locator('html[data-ready="true"]').waitFor({ timeout: 30_000 });
    const expected = credits.format((milli(start.total) + 100_000) / 1000);
    await page.locator('credit-purchase dialog').filter({ hasText: `New balance: ${expected} AI credits` }).waitFor();
    const exactly = new RegExp(`^${expected.replace('.', '\\.')}$`);
    await toolbarTotal(page).filter({ hasText: exactly }).waitFor();
    await toolbarTotal(other).filter({ hasText: exactly }).waitFor();
    const now = await balanceOf(ada.token);
    assert.equal(milli(now.addon.available), milli(start.addon.available) + 100_000);
    await page.locator('credit-purchase dialog').getByRole('button', { name: 'Close' }).click();
    await other.locator('#builder-select').selectOption('ada');
  } finally {
    await other.close();
  }
});

step('the settings show <credit-account>: the pools, the purchase and this cycle’s usage', async () => {
  await page.locator('#open-settings').click();
  const account = page.locator('#settings-dialog credit-account');
  await account.locator('#purchases-title').waitFor();
  assert.match(await account.locator('table').last().innerText(), /100\s+\$9\.00\s+paid/);
  await account.locator('svg[part="chart"] rect').first().waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#settings-dialog').getByRole('button', { name: 'Close' }).last().click();
});

step('settings set and remove the workspace’s own key, showing only its hint', async () => {
  await page.locator('#open-settings').click();
  const dialog = page.locator('#settings-dialog');
  await dialog.locator('#byok-current').filter({ hasText: 'No key set' }).waitFor();
  await dialog.locator('#byok-provider').selectOption('openai');
  await dialog.locator('#byok-key').fill('sk-demo-e2e-0000wxyz');
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await dialog.locator('#byok-current').filter({ hasText: 'OpenAI key' }).waitFor();
  const status = await api<{ enabled: boolean; keyHint: string }>('/api/v1/byok', ada.token);
  assert.ok(status.enabled && status.keyHint);
  assert.equal(await dialog.locator('#byok-current .key-hint').innerText(), status.keyHint);
  assert.doesNotMatch(await page.locator('body').innerText(), /sk-demo-e2e-0000wxyz/);
  await page.locator('credit-chat output#estimate').filter({ hasText: 'Your own key pays' }).waitFor();
  await dialog.getByRole('button', { name: 'Remove key' }).click();
  await dialog.locator('#byok-current').filter({ hasText: 'No key set' }).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await page.locator('credit-chat output#estimate').filter({ hasText: /≈ [\d.,]+ credits/ }).waitFor();
  assert.deepEqual(pageErrors, []);
});
