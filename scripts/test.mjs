// npm test: type-check, server tests (node:test), browser tests (@web/test-runner, Chromium) and
// the end-to-end test of the demo (node:test, playwright-core, Chromium).
// Usage: node scripts/test.mjs [typecheck|server|browser|e2e ...]; no argument runs all four.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './find-chromium.mjs';

const steps = process.argv.slice(2).length ? process.argv.slice(2) : ['typecheck', 'server', 'browser', 'e2e'];
const totals = { passed: 0, failed: 0 };
let failedSteps = 0;

function filesUnder(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

/** Runs a command, echoing its output, and resolves with its exit code and everything it printed. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function lastNumber(output, pattern) {
  const matches = [...output.matchAll(pattern)];
  return matches.length ? Number(matches[matches.length - 1][1]) : undefined;
}

async function typecheck() {
  console.log('\n== type-check (tsc --noEmit)');
  const { code } = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
  // The type-check counts as one check in the closing line, so a type error never hides behind it.
  if (code !== 0) {
    failedSteps++;
    totals.failed++;
    console.log('type-check: 0 passed, 1 failed');
  } else {
    totals.passed++;
    console.log('type-check: 1 passed, 0 failed');
  }
}

async function server() {
  console.log('\n== server tests (node:test)');
  if (!process.env.DATABASE_URL) {
    if (process.env.CI) {
      console.error('server tests: DATABASE_URL is not set, but CI must run the PostgreSQL tests (.ci/run sets it).');
      failedSteps++;
      return;
    }
    console.log('server tests: PostgreSQL tests skipped: DATABASE_URL is not set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test).');
  }
  await nodeTests('server', filesUnder('test/server', '.test.ts'));
}

/** Runs node:test files and counts their passed and failed tests into the closing line. */
async function nodeTests(label, files, env = {}) {
  const { code, output } = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], env);
  const passed = lastNumber(output, /^ℹ pass (\d+)$/gm) ?? 0;
  let failed = lastNumber(output, /^ℹ fail (\d+)$/gm) ?? 0;
  if (code !== 0 && failed === 0) failed = 1;
  totals.passed += passed;
  totals.failed += failed;
  console.log(`${label}: ${passed} passed, ${failed} failed`);
  if (code !== 0) failedSteps++;
}

async function browser() {
  console.log('\n== browser tests (@web/test-runner, Chromium)');
  const chrome = ensureChromium();
  const { code, output } = await run(process.execPath, ['node_modules/@web/test-runner/dist/bin.js', '--config', 'web-test-runner.config.mjs'], {
    CHROME_PATH: chrome,
  });
  const passed = lastNumber(output, /(\d+) passed/g) ?? 0;
  let failed = lastNumber(output, /(\d+) failed/g) ?? 0;
  // A file that cannot even load counts as a failure, so the closing line never hides it.
  if (code !== 0 && failed === 0) failed = 1;
  totals.passed += passed;
  totals.failed += failed;
  if (code !== 0) failedSteps++;
}

async function e2e() {
  console.log('\n== end-to-end test (npm start, the demo driven in Chromium with playwright-core)');
  // The test starts the demo on the embedded store with the offline model, whatever this shell sets.
  await nodeTests('e2e', filesUnder('test/e2e', '.test.ts'), { CHROME_PATH: ensureChromium() });
}

const STEPS = { typecheck, server, browser, e2e };
for (const step of steps) {
  if (!STEPS[step]) {
    console.error(`unknown step ${step}; use typecheck, server, browser or e2e`);
    process.exit(2);
  }
  await STEPS[step]();
}
console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(failedSteps || totals.failed ? 1 : 0);
