import { defineConfig } from 'tsup';

/**
 * Every public subpath, as `src/<entry>/index.ts` → `dist/<entry>/index.{js,cjs,d.ts,d.cts}`.
 * `scripts/check-exports.mjs` fails when this list, package.json `exports` and the
 * `src/**\/index.ts` files disagree.
 */
export const entries = [
  '.',
  'bus',
  'bus/redis',
  'bus/nats',
  'policies',
  'otel',
  'testing',
  'queue',
  'queue/bullmq',
  'db',
  'db/postgres',
  'db/supabase',
  'db/redis',
  'db/file',
  'files',
  'files/node',
  'rest',
  'graphql',
  'webhooks',
  'node',
  'realtime',
  'realtime/node',
  'workflows',
  'workflows/redis',
  'workflows/postgres',
] as const;

export default defineConfig({
  entry: Object.fromEntries(
    entries.map((name) => [
      name === '.' ? 'index' : `${name}/index`,
      name === '.' ? 'src/index.ts' : `src/${name}/index.ts`,
    ]),
  ),
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  external: [/^node:/],
});
