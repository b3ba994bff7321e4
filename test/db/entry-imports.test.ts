import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Every module a bundle of `entry` imports from outside the package. */
async function externalImports(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [new URL(`../../src/${entry}`, import.meta.url).pathname],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
}

const DRIVERS = ['postgres', 'ioredis', '@supabase/supabase-js', 'unstorage'];

describe('entry points', () => {
  it('db and files (the Web-standard cores) import no Node module and no driver', async () => {
    for (const entry of ['db/index.ts', 'files/index.ts', 'db/supabase/index.ts']) {
      const imports = await externalImports(entry);
      expect(
        imports.filter((i) => i.startsWith('node:') || DRIVERS.includes(i)),
        entry,
      ).toEqual([]);
    }
  });

  it('drivers that need a client only take it injected (type imports only)', async () => {
    for (const entry of ['db/postgres/index.ts', 'db/redis/index.ts']) {
      expect(
        (await externalImports(entry)).filter((i) => DRIVERS.includes(i)),
        entry,
      ).toEqual([]);
    }
    // The probe itself sees Node imports where they belong.
    expect(await externalImports('files/node/index.ts')).toContain('node:fs/promises');
  });
});
