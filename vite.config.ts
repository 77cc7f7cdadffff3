import { defineConfig } from 'vite';

/**
 * `vite build`: the self-contained bundle, every dependency inlined and minified
 * (dist/credit-chat.bundle.js, what a host loads with one script tag; the core's 45 KB budget,
 * measured by `npm run bench -- bundle`).
 * `vite build --mode external`: the module for bundler users, with lit,
 * @tanstack/query-core and zod left as imports (dist/credit-chat.js).
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
        entry: 'src/index.ts',
        formats: ['es'],
        fileName: () => (external ? 'credit-chat.js' : 'credit-chat.bundle.js'),
      },
      rollupOptions: {
        external: external ? [/^lit(\/|$)/, /^@lit\//, /^@tanstack\/query-core(\/|$)/, /^zod(\/|$)/] : [],
        // Vite keeps whitespace in an ES library build; the self-contained bundle is minified whole.
        output: { minify: !external },
      },
    },
  };
});
