import { defineConfig, type Options } from 'tsup';

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

const common: Options = {
  entry: Object.fromEntries(
    entries.map((name) => [
      name === '.' ? 'index' : `${name}/index`,
      name === '.' ? 'src/index.ts' : `src/${name}/index.ts`,
    ]),
  ),
  dts: true,
  clean: false,
  sourcemap: false,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  external: [/^node:/],
};

export default defineConfig([
  { ...common, format: ['esm'] },
  {
    ...common,
    format: ['cjs'],
    // p-queue (with p-timeout) ships only as ESM: `require()` of it needs Node 20.19+. The
    // CommonJS build carries its own copy so `require('@wawagot/integrations/queue')` works on
    // every Node 20. (ky, graphql-request and eventsource-parser are loaded with `import()`.)
    noExternal: ['p-queue', 'p-timeout', 'eventemitter3'],
  },
]);
