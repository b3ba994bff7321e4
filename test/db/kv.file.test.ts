import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKV } from '../../src/db/file/index.js';
import { createTestClock } from '../../src/testing/index.js';
import { kvContract } from './kv-contract.js';

const base = await mkdtemp(join(tmpdir(), 'wawagot-filekv-'));
let n = 0;

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

kvContract('fileKV', async () => fileKV({ dir: join(base, `store-${n++}`) }));

describe('fileKV specifics', () => {
  it('keeps every key inside dir: traversal-looking keys become plain file names', async () => {
    const dir = join(base, 'traversal');
    const kv = fileKV({ dir });
    const keys = [
      '../escape',
      '../../etc/passwd',
      '/abs',
      'a/../../b',
      '..\\win',
      '%2e%2e%2fx',
      'nul\0byte',
      '.',
      '..',
      'C:\\x',
    ];
    for (const key of keys) await kv.set(key, key);
    const names = await readdir(dir);
    expect(names.length).toBe(keys.length);
    expect(names.every((name) => /^[a-z0-9_~-]+\.json$/.test(name))).toBe(true);
    expect(await readdir(base)).not.toContain('escape');
    for (const key of keys) expect(await kv.get(key)).toBe(key);
    expect(await kv.keys()).toEqual([...keys].sort());
  });

  it('hashes very long keys and still lists them', async () => {
    const kv = fileKV({ dir: join(base, 'long') });
    const key = `long:${'é'.repeat(300)}`;
    await kv.set(key, 1);
    await kv.set('long:short', 2);
    expect(await kv.get(key)).toBe(1);
    expect(await kv.keys('long:')).toEqual([key, 'long:short'].sort());
    const names = await readdir(join(base, 'long'));
    expect(names.every((name) => name.length < 255)).toBe(true);
  });

  it('leaves no temporary file behind and stores readable JSON', async () => {
    const dir = join(base, 'clean');
    const kv = fileKV({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => kv.set('same', i)));
    const names = await readdir(dir);
    expect(names).toEqual(['same.json']);
    expect(JSON.parse(await readFile(join(dir, 'same.json'), 'utf8'))).toMatchObject({ k: 'same', e: null });
  });

  it('removes stale temporary files left by a crash, keeps fresh ones', async () => {
    const dir = join(base, 'sweep');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.tmp-old'), 'torn');
    await writeFile(join(dir, '.tmp-fresh'), 'in flight');
    const past = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, '.tmp-old'), past, past);
    await fileKV({ dir }).set('k', 1);
    expect((await readdir(dir)).sort()).toEqual(['.tmp-fresh', 'k.json']);
  });

  it('reads TTLs from the injected clock', async () => {
    const clock = createTestClock();
    const kv = fileKV({ dir: join(base, 'clock'), clock });
    await kv.set('k', 1, { ttlMs: 1000 });
    await clock.advance(1000);
    expect(await kv.get('k')).toBeUndefined();
  });

  it('accepts the directory as a string; refuses a missing dir', async () => {
    const kv = fileKV(join(base, 'plain'));
    await kv.set('a', 1);
    expect(await kv.get('a')).toBe(1);
    expect(() => fileKV({ dir: '' })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => fileKV(undefined as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});
