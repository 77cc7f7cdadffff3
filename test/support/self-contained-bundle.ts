import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds `entry` exactly as `vite build` builds the self-contained bundle (vite.config.ts,
 * every dependency inlined, minified whole) into `outDir`, and answers the bundle's code.
 * The bench bundles its peer with it too, so both are measured with the same minifier.
 */
export async function buildSelfContainedBundle(entry: string, outDir: string): Promise<Buffer> {
  await build({
    root: projectRoot,
    configFile: join(projectRoot, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, sourcemap: false, lib: { entry, formats: ['es'], fileName: () => 'credit-chat.bundle.js' } },
  });
  return readFileSync(join(outDir, 'credit-chat.bundle.js'));
}
