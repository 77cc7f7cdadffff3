// npm run bench [-- suite ...]: runs the benchmark suites, merges their figures into
// bench/results.json and rewrites BENCHMARKS.md. Suites not run keep their last figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleSuite } from './bundle-size.js';
import { estimateSuite } from './estimate-accuracy.js';
import { ledgerSuite } from './ledger-throughput.js';
import { meteringSuite } from './metering-overhead.js';
import { reliabilitySuite } from './reliability.js';
import { meetsBar, type BenchSuite, type Figure } from './figures.js';
import { webhooksSuite } from './webhooks.js';
import { widgetSuite } from './widget.js';

const SUITES: BenchSuite[] = [bundleSuite, estimateSuite, ledgerSuite, reliabilitySuite, meteringSuite, widgetSuite, webhooksSuite];

interface SuiteResult {
  ranAt: string;
  figures: Figure[];
}
interface Results {
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  suites: Record<string, SuiteResult>;
}

const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
const markdownPath = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

function machine(): Results['machine'] {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` };
}

function formatValue(value: number, unit: string): string {
  return `${value.toLocaleString('en-US')} ${unit}`;
}

function markdown(results: Results): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (figures in `bench/results.json`). Peers are measured in the same run on the same machine.',
    '',
    `Machine: ${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}, ${results.machine.platform}.`,
    '',
  ];
  for (const [name, suite] of Object.entries(results.suites)) {
    lines.push(`## ${name}`, '', `Run on ${suite.ranAt}.`, '', '| figure | credit-chat | peer | bar | meets bar |', '|---|---:|---:|---|---|');
    for (const f of suite.figures) {
      const peer = f.peer ? `${formatValue(f.peer.value, f.unit)} (${f.peer.name})` : '';
      const bar = f.bar ? `${f.bar.op} ${formatValue(f.bar.value, f.unit)}` : '';
      const meets = meetsBar(f);
      const verdict = meets === undefined ? '' : meets ? 'yes' : '**no**';
      lines.push(`| ${f.label}${f.note ? ` (${f.note})` : ''} | ${formatValue(f.value, f.unit)} | ${peer} | ${bar} | ${verdict} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SUITES.some((s) => s.name === name));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const previous: Results | undefined = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : undefined;
const results: Results = { machine: machine(), suites: { ...(previous?.suites ?? {}) } };
let failedBars = 0;
for (const suite of SUITES) {
  if (wanted.length && !wanted.includes(suite.name)) continue;
  console.log(`bench: ${suite.name}...`);
  const figures = await suite.run();
  results.suites[suite.name] = { ranAt: new Date().toISOString(), figures };
  for (const f of figures) {
    const meets = meetsBar(f);
    if (meets === false) failedBars++;
    const peer = f.peer ? `  (${f.peer.name}: ${formatValue(f.peer.value, f.unit)})` : '';
    console.log(`  ${f.label}: ${formatValue(f.value, f.unit)}${peer}${meets === false ? '  BELOW BAR' : ''}`);
  }
}
writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
writeFileSync(markdownPath, markdown(results));
console.log(`bench: wrote bench/results.json and BENCHMARKS.md${failedBars ? `; ${failedBars} figure(s) miss their bar` : ''}`);
