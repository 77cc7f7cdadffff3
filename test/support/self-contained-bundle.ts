import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds `entry` exactly as `vite build` builds the self-contained bundle (vite.config.ts,
 * every dependency inlined, minified whole) into `outDir`, and answers the bundle's code.
 * The bench bundles its peer with it too, so both are measured with the same minifier.
 */
export async function buildSelfContainedBundle(entry: string, outDir: string): Promise<Buffer> {
  await buildSelfContainedChunks(entry, outDir);
  return readFileSync(join(outDir, 'credit-chat.bundle.js'));
}

/** The same build, answering its chunks: the entry, any chunk it imports, any it loads lazily (`import()`). */
export async function buildSelfContainedChunks(entry: string, outDir: string): Promise<Rolldown.OutputChunk[]> {
  const result = await build({
    root: projectRoot,
    configFile: join(projectRoot, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, sourcemap: false, lib: { entry, formats: ['es'], fileName: () => 'credit-chat.bundle.js' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = new Map<string, Rolldown.OutputChunk>();
  for (const output of outputs) for (const file of output.output) if (file.type === 'chunk') chunks.set(file.fileName, file);
  return [...chunks.values()];
}
