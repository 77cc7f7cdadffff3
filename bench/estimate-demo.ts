// Estimates as a builder meets them, through the real HTTP app on a fresh embedded store:
// (a) the default demo on a fresh install: each type's mean charge against the catalog,
//     and the first estimate of each type against its charge;
// (b) a second workspace on an instance with history, on the demo model and on gpt-4o-mini
//     (through the wire-faithful fake OpenAI upstream, answering as long as the demo does,
//     ±25 %): the error of its first five estimates per type, and charges within max.
// The static catalog average is measured beside each, on the same operations.
import { encode, decode } from 'gpt-tokenizer';
import { catalogEntry, OPERATION_TYPES, type OperationType } from '../src/contract/index.js';
import { SYSTEM_PROMPTS } from '../src/server/ai/index.js';
import { demoAnswer } from '../src/server/ai/providers/demo-answers.js';
import type { AiOptions } from '../src/server/metering/ai-options.js';
import { AiRuntime } from '../src/server/metering/ai-runtime.js';
import { createApp } from '../src/server/http/app.js';
import { Ledger } from '../src/server/ledger/ledger.js';
import { openPgliteStore } from '../src/server/store/pglite.js';
import { startFakeOpenAI } from '../test/support/fake-openai.js';
import type { RecordedRequest } from '../test/support/fake-upstream.js';
import { prng } from '../test/support/prng.js';
import { DEMO_PROMPTS } from './demo-prompts.js';
import { percentile, round, type Figure } from './figures.js';

const ADMIN = 'bench-admin-token-0123456789';
const FIRST_FIVE = 5;

interface Operation {
  type: OperationType;
  expected: number;
  max: number;
  charged: number;
}

class Instance {
  private constructor(
    private readonly app: ReturnType<typeof createApp>,
    private readonly close_: () => Promise<void>,
  ) {}

  static async open(ai: AiOptions): Promise<Instance> {
    const store = await openPgliteStore();
    const ledger = new Ledger(store);
    const runtime = new AiRuntime(ledger, ai);
    const app = createApp({ ledger, adminToken: ADMIN, ai: runtime });
    return new Instance(app, async () => {
      await runtime.shutdown();
      await store.close();
    });
  }

  private async call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
    const response = await this.app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  /** A workspace with credits enough for the whole run, and a builder token. */
  async workspace(): Promise<string> {
    const { id } = (await (await this.call('POST', '/admin/workspaces', ADMIN, { name: 'bench' })).json()) as { id: string };
    await this.call('PUT', `/admin/workspaces/${id}/license`, ADMIN, { builders: 1, creditsPerBuilder: 100_000, cycleAnchorDay: 1 });
    const { token } = (await (await this.call('POST', `/admin/workspaces/${id}/tokens`, ADMIN, { builder: 'bench' })).json()) as { token: string };
    return token;
  }

  /** Estimates a prompt as the composer does, sends it, and reads the charge off the receipt. */
  async operate(token: string, type: OperationType, prompt: string): Promise<Operation> {
    const estimate = (await (await this.call('POST', '/estimate', token, { operation: type, prompt })).json()) as { expected: number; max: number };
    const stream = await (await this.call('POST', '/chat', token, { operation: type, prompt, idempotencyKey: `bench-${Math.random()}` })).text();
    const settled = /event: settled\ndata: (.*)\n/.exec(stream);
    if (!settled) throw new Error(`no settled event: ${stream.slice(-300)}`);
    const charged = (JSON.parse(settled[1]!) as { receipt: { credits: number } }).receipt.credits;
    return { type, expected: estimate.expected, max: estimate.max, charged };
  }

  close(): Promise<void> {
    return this.close_();
  }
}

const error = (op: Pick<Operation, 'expected' | 'charged'>) => Math.abs(op.expected - op.charged) / op.charged;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const pct = (value: number) => round(value * 100);

/** Every type asked with its prompts, round by round, as one workspace. */
async function rounds(instance: Instance, token: string, count: number, offset: number): Promise<Operation[]> {
  const ops: Operation[] = [];
  for (let r = 0; r < count; r++) {
    for (const type of OPERATION_TYPES) {
      const prompts = DEMO_PROMPTS[type];
      ops.push(await instance.operate(token, type, prompts[(r + offset) % prompts.length]!));
    }
  }
  return ops;
}

const DEMO: AiOptions = { provider: { provider: 'demo' }, providerOptions: { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } } };

/** A real model's answers vary in length: the fake answers as the demo would, cut to 50-100 % of it, seeded. */
function fakeOpenAiReply(random: () => number) {
  return (request: RecordedRequest) => {
    const messages = request.body.messages as { role: string; content: string }[];
    const system = messages.find((m) => m.role === 'system')?.content ?? '';
    const type = OPERATION_TYPES.find((t) => system.startsWith(SYSTEM_PROMPTS[t])) ?? 'custom_code';
    const prompt = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const tokens = encode(demoAnswer('gpt-4o-mini', type, prompt));
    return { text: decode(tokens.slice(0, Math.max(1, Math.round(tokens.length * (0.5 + 0.5 * random()))))) };
  };
}

function newWorkspaceFigures(label: string, id: string, ops: Operation[]): Figure[] {
  const figures: Figure[] = [];
  for (const type of OPERATION_TYPES) {
    const mine = ops.filter((op) => op.type === type).slice(0, FIRST_FIVE);
    const average = catalogEntry(type).averageCredits;
    figures.push({
      id: `estimate.new_workspace.${id}.${type}.median_error`,
      label: `New workspace, ${label}, ${type}: median error of its first ${FIRST_FIVE} estimates`,
      value: pct(median(mine.map(error))),
      unit: '%',
      peer: { name: 'catalog average', value: pct(median(mine.map((op) => error({ expected: average, charged: op.charged })))) },
      bar: { op: '<=', value: 35 },
    });
  }
  const within = ops.filter((op) => op.charged <= op.max).length;
  figures.push({
    id: `estimate.new_workspace.${id}.within_max`,
    label: `New workspace, ${label}: charges within max`,
    value: pct(within / ops.length),
    unit: '%',
    peer: { name: 'catalog average × 2', value: pct(ops.filter((op) => op.charged <= 2 * catalogEntry(op.type).averageCredits).length / ops.length) },
    bar: { op: '>=', value: 95 },
    note: `${ops.length} operations`,
  });
  return figures;
}

export async function demoEstimateFigures(): Promise<Figure[]> {
  const figures: Figure[] = [];

  // (a) the default demo, fresh: one workspace asks each type six times
  const demo = await Instance.open(DEMO);
  try {
    const first = await rounds(demo, await demo.workspace(), DEMO_PROMPTS.app_generation.length, 0);
    for (const type of OPERATION_TYPES) {
      const mine = first.filter((op) => op.type === type);
      const average = catalogEntry(type).averageCredits;
      const mean = mine.reduce((sum, op) => sum + op.charged, 0) / mine.length;
      figures.push({
        id: `estimate.demo.${type}.mean_charge_off_catalog`,
        label: `Default demo, ${type}: mean charge ${round(mean, 2)} vs catalog ${average}, off by`,
        value: pct(Math.abs(mean / average - 1)),
        unit: '%',
        bar: { op: '<=', value: 25 },
        note: `${mine.length} operations`,
      });
      figures.push({
        id: `estimate.demo.${type}.first_estimate_error`,
        label: `Default demo, ${type}: first estimate (${mine[0]!.expected}) vs its charge (${mine[0]!.charged})`,
        value: pct(error(mine[0]!)),
        unit: '%',
        peer: { name: 'catalog average', value: pct(error({ expected: average, charged: mine[0]!.charged })) },
        bar: { op: '<=', value: 50 },
      });
    }
    figures.push({
      id: 'estimate.demo.within_max',
      label: 'Default demo: charges within max',
      value: pct(first.filter((op) => op.charged <= op.max).length / first.length),
      unit: '%',
      bar: { op: '>=', value: 100 },
      note: `${first.length} operations`,
    });
    // (b) a second workspace on the demo instance, which now has history
    figures.push(...newWorkspaceFigures('demo model', 'demo', await rounds(demo, await demo.workspace(), FIRST_FIVE, 3)));
  } finally {
    await demo.close();
  }

  // (b) the same on gpt-4o-mini, priced at its list price (0.15 / 0.6), far below the catalog
  const fake = await startFakeOpenAI();
  fake.reply(fakeOpenAiReply(prng(20_261_130)));
  const mini = await Instance.open({
    provider: { provider: 'openai', baseUrl: fake.url, apiKey: 'sk-bench-0123456789abcdef', model: 'gpt-4o-mini' },
    providerOptions: { timeouts: { firstByteMs: 10_000, idleMs: 10_000 } },
  });
  try {
    await rounds(mini, await mini.workspace(), DEMO_PROMPTS.app_generation.length, 0);
    figures.push(...newWorkspaceFigures('gpt-4o-mini', 'gpt_4o_mini', await rounds(mini, await mini.workspace(), FIRST_FIVE, 3)));
  } finally {
    await mini.close();
    await fake.close();
  }
  return figures;
}
