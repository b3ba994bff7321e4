import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localStorage } from '../../src/files/node/index.js';
import { TRAVERSAL_PATHS } from './storage-contract.js';

const base = await mkdtemp(join(tmpdir(), 'wawagot-local-'));
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function listAll(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('localStorage confinement', () => {
  it('refuses symlinks that resolve outside root, on every method, writing nothing', async () => {
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    await mkdir(root, { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.txt'), 'canary-secret');
    await symlink(outside, join(root, 'dirlink'));
    await symlink(join(outside, 'secret.txt'), join(root, 'filelink.txt'));
    await mkdir(join(root, 'nested'));
    await symlink('../../outside', join(root, 'nested', 'up'));
    const files = localStorage({ root });
    const cases = [
      'dirlink/new.txt',
      'dirlink/secret.txt',
      'filelink.txt',
      'nested/up/secret.txt',
      'nested/up/deep/new.txt',
    ];
    let escapes = 0;
    for (const path of cases) {
      for (const run of [
        () => files.put(path, 'pwned'),
        () => files.get(path),
        () => files.stat(path),
        () => files.exists(path),
      ]) {
        const error = await run().then(
          () => undefined,
          (e: { code?: string; message?: string }) => e,
        );
        if (error?.code !== 'INVALID_PATH') escapes++;
        expect(String(error?.message)).not.toContain('canary-secret');
      }
    }
    expect(escapes).toBe(0);
    await expect(files.list('dirlink/')).rejects.toMatchObject({ code: 'INVALID_PATH' });
    expect(await listAll(outside)).toEqual(['secret.txt']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('canary-secret');
    expect(await files.list()).toEqual([]); // symlinks are not followed by list
  });

  it(`writes nothing anywhere for ${TRAVERSAL_PATHS.length} traversal paths`, async () => {
    const root = join(base, 'jail', 'root');
    await mkdir(root, { recursive: true });
    const files = localStorage({ root });
    let escapes = 0;
    for (const path of TRAVERSAL_PATHS) {
      const error = await files.put(path, 'x').catch((e: { code?: string }) => e);
      if ((error as { code?: string } | undefined)?.code !== 'INVALID_PATH') escapes++;
    }
    expect(escapes).toBe(0);
    expect(await listAll(join(base, 'jail'))).toEqual(['root']);
  });

  it('a symlink replaced by put is replaced, not followed', async () => {
    const root = join(base, 'replace');
    const outside = join(base, 'replace-outside.txt');
    await mkdir(root, { recursive: true });
    await writeFile(outside, 'keep');
    await symlink(join(root, 'inside-target.txt'), join(root, 'link.txt'));
    const files = localStorage({ root });
    await files.put('link.txt', 'new');
    expect(await readFile(join(root, 'link.txt'), 'utf8')).toBe('new');
    expect(await readFile(outside, 'utf8')).toBe('keep');
  });

  it('leaves no temporary files and streams content', async () => {
    const root = join(base, 'clean');
    const files = localStorage({ root });
    await Promise.all(Array.from({ length: 20 }, (_, i) => files.put('same.bin', new Uint8Array(1000).fill(i))));
    expect(await listAll(root)).toEqual(['same.bin']);
    const text = await new Response(await files.get('same.bin', { as: 'stream' })).arrayBuffer();
    expect(text.byteLength).toBe(1000);
  });

  it('maxBytes throws PAYLOAD_TOO_LARGE before writing; bad options throw CONFIG', async () => {
    const root = join(base, 'limited');
    const files = localStorage({ root, maxBytes: 3 });
    await expect(files.put('a.txt', 'four')).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await files.list()).toEqual([]);
    expect(() => localStorage({ root: '' })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('a file where a directory is needed is a StorageError', async () => {
    const files = localStorage({ root: join(base, 'clash') });
    await files.put('a', 'file');
    await expect(files.put('a/b.txt', 'x')).rejects.toMatchObject({ name: 'StorageError' });
  });
});
