import { defineConfig } from 'vite';

/**
 * `vite build`: the self-contained bundle, every dependency inlined and minified
 * (dist/credit-chat.bundle.js, what a host loads with one script tag; the core's 45 KB budget,
 * measured by `npm run bench -- bundle`).
 * `vite build --mode external`: the modules for bundler users, with lit,
 * @tanstack/query-core, zod and marked left as imports (dist/credit-chat.js, dist/credit-account.js,
 * dist/credit-purchase.js).
 */
export default defineConfig(({ mode }) => {
  const external = mode === 'external';
  return {
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: false,
      minify: !external,
      sourcemap: true,
      lib: {
        // For bundlers, <credit-account> and <credit-purchase> are entries of their own
        // (credit-chat/credit-account, credit-chat/credit-purchase); the self-contained bundle
        // loads <credit-purchase> as a chunk when "Get AI credits" is pressed.
        entry: external
          ? { 'credit-chat': 'src/index.ts', 'credit-account': 'src/credit-account.ts', 'credit-purchase': 'src/credit-purchase.ts' }
          : 'src/index.ts',
        formats: ['es'],
        fileName: (_format, name) => (external ? `${name}.js` : 'credit-chat.bundle.js'),
      },
      rollupOptions: {
        external: external ? [/^lit(\/|$)/, /^@lit\//, /^@tanstack\/query-core(\/|$)/, /^zod(\/|$)/, /^marked(\/|$)/] : [],
        // Vite keeps whitespace in an ES library build; the self-contained bundle is minified whole.
        output: { minify: !external },
        // The elements that load apart (<credit-purchase>, imported when "Get AI credits" is
        // pressed) import what they share with the core from the core's own file: the core
        // stays one file instead of splitting its shared code into a chunk.
        preserveEntrySignatures: 'allow-extension',
      },
    },
  };
});
