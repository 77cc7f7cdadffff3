import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildSelfContainedBundle } from '../test/support/self-contained-bundle.js';
import { round, type BenchSuite } from './figures.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

async function bundleSize(entry: string, outDir: string): Promise<{ raw: number; gzip: number }> {
  const code = await buildSelfContainedBundle(entry, outDir);
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

export const bundleSuite: BenchSuite = {
  name: 'bundle',
  async run() {
    // Inside the project so the peer's entry resolves from node_modules.
    mkdirSync(join(projectRoot, '.tmp'), { recursive: true });
    const work = mkdtempSync(join(projectRoot, '.tmp', 'bench-'));
    try {
      const ours = await bundleSize(join(projectRoot, 'src/index.ts'), join(work, 'ours'));
      const peerEntry = join(work, 'deep-chat-entry.js');
      writeFileSync(peerEntry, "import 'deep-chat';\n");
      const deepChat = await bundleSize(peerEntry, join(work, 'deep-chat'));
      return [
        {
          id: 'bundle.gzip',
          label: 'Self-contained bundle, minified + gzip',
          value: round(ours.gzip / 1024),
          unit: 'KB',
          peer: { name: 'deep-chat', value: round(deepChat.gzip / 1024) },
          bar: { op: '<=', value: 40 },
        },
        {
          id: 'bundle.raw',
          label: 'Self-contained bundle, minified',
          value: round(ours.raw / 1024),
          unit: 'KB',
          peer: { name: 'deep-chat', value: round(deepChat.raw / 1024) },
        },
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
