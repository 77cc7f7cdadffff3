import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import type { Rolldown } from 'vite';
import { buildSelfContainedBundle, buildSelfContainedChunks } from '../test/support/self-contained-bundle.js';
import { round, type BenchSuite, type Figure } from './figures.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const gzip = (code: string | Uint8Array) => gzipSync(code, { level: 9 }).length;
const kb = (bytes: number) => round(bytes / 1024, 2);

/** The core: the entry and every chunk it imports statically (what a page loads before anything renders). */
function coreChunks(chunks: readonly Rolldown.OutputChunk[]): Rolldown.OutputChunk[] {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const core = new Set<Rolldown.OutputChunk>();
  const visit = (chunk: Rolldown.OutputChunk) => {
    if (core.has(chunk)) return;
    core.add(chunk);
    for (const name of chunk.imports) visit(byName.get(name)!);
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
  return [...core];
}

/** Where a bundled module comes from: its package, or the folder of ours. */
function owner(id: string): string {
  const path = relative(projectRoot, id.replace(/^\0/, ''));
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const parts = path.slice(inModules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (!path.startsWith('src/')) return 'build helpers';
  return path.split('/').slice(0, -1).join('/') || path;
}

/**
 * What each dependency (and each folder of ours) costs in the core: its modules' code as
 * rendered into the bundle, minified and gzipped alone. Alone, gzip finds fewer repeats than in
 * the whole bundle, so these add up to a little more than the core.
 */
async function costs(chunks: readonly Rolldown.OutputChunk[]): Promise<Array<{ owner: string; gzip: number }>> {
  const code = new Map<string, string>();
  for (const chunk of chunks) {
    for (const [id, module] of Object.entries(chunk.modules)) {
      code.set(owner(id), `${code.get(owner(id)) ?? ''}${module.code ?? ''}\n`);
    }
  }
  const rows = [];
  for (const [name, source] of code) {
    const minified = (await transform(source, { minify: true, loader: 'js', target: 'es2022' })).code;
    rows.push({ owner: name, gzip: gzip(minified) });
  }
  return rows.filter((row) => row.gzip > 100).sort((a, b) => b.gzip - a.gzip);
}

export const bundleSuite: BenchSuite = {
  name: 'bundle',
  async run() {
    // Inside the project so the peer's entry resolves from node_modules.
    mkdirSync(join(projectRoot, '.tmp'), { recursive: true });
    const work = mkdtempSync(join(projectRoot, '.tmp', 'bench-'));
    try {
      const chunks = await buildSelfContainedChunks(join(projectRoot, 'src/index.ts'), join(work, 'ours'));
      const core = coreChunks(chunks);
      const lazy = chunks.filter((chunk) => !core.includes(chunk));
      const coreGzip = core.reduce((sum, chunk) => sum + gzip(chunk.code), 0);
      const coreRaw = core.reduce((sum, chunk) => sum + chunk.code.length, 0);
      const peerEntry = join(work, 'deep-chat-entry.js');
      writeFileSync(peerEntry, "import 'deep-chat';\n");
      const deepChat = await buildSelfContainedBundle(peerEntry, join(work, 'deep-chat'));
      const figures: Figure[] = [
        {
          id: 'bundle.gzip',
          label: 'Self-contained core (<credit-chat>, <credit-balance>, <credit-markdown>, the parser, every dependency), minified + gzip',
          value: kb(coreGzip),
          unit: 'KB',
          peer: { name: 'deep-chat', value: kb(gzip(deepChat)) },
          bar: { op: '<=', value: 45 },
          note: `${core.length} file(s); lazily loaded chunks: ${lazy.length}`,
        },
        {
          id: 'bundle.raw',
          label: 'Self-contained core, minified',
          value: kb(coreRaw),
          unit: 'KB',
          peer: { name: 'deep-chat', value: kb(deepChat.length) },
        },
      ];
      for (const chunk of lazy) {
        figures.push({
          id: `bundle.lazy.${chunk.name}`,
          label: `Lazily loaded chunk ${chunk.name}, minified + gzip`,
          value: kb(gzip(chunk.code)),
          unit: 'KB',
        });
      }
      for (const row of await costs(core)) {
        figures.push({
          id: `bundle.cost.${row.owner}`,
          label: `In the core: ${row.owner} (its code alone, minified + gzip)`,
          value: kb(row.gzip),
          unit: 'KB',
        });
      }
      return figures;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
