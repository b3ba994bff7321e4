import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import memoryDriver from 'unstorage/drivers/memory';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryStorage, unstorageStorage } from '../../src/files/index.js';
import { localStorage } from '../../src/files/node/index.js';
import { storageContract } from './storage-contract.js';

const base = await mkdtemp(join(tmpdir(), 'wawagot-files-'));
let n = 0;
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

storageContract('memoryStorage', async () => memoryStorage());
storageContract('localStorage', async () => localStorage({ root: join(base, `local-${n++}`) }));
storageContract('unstorageStorage (memory driver)', async () =>
  unstorageStorage(createStorage({ driver: memoryDriver() })),
);
storageContract('unstorageStorage (fs driver)', async () =>
  unstorageStorage(createStorage({ driver: fsDriver({ base: join(base, `unstorage-${n++}`) }) })),
);

describe('unstorageStorage specifics', () => {
  it('refuses paths unstorage would reinterpret', async () => {
    const files = unstorageStorage(createStorage({ driver: memoryDriver() }));
    for (const path of ['a?b.txt', 'a#b', 'meta$']) {
      await expect(files.put(path, 'x')).rejects.toMatchObject({ code: 'INVALID_PATH' });
    }
  });

  it('keeps the content type and sha256 in metadata', async () => {
    const files = unstorageStorage(createStorage({ driver: memoryDriver() }));
    const stored = await files.put('report', '{}', { contentType: 'application/json' });
    expect(await files.stat('report')).toMatchObject({
      contentType: 'application/json',
      sha256: stored.sha256,
      size: 2,
    });
    expect(await files.list()).toEqual(['report']);
  });

  it('a bad maxBytes is a CONFIG error at creation', () => {
    for (const maxBytes of [-1, Number.NaN, 1.5, '3' as unknown as number]) {
      expect(() => unstorageStorage(createStorage({ driver: memoryDriver() }), { maxBytes })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    }
  });

  it('maxBytes throws PAYLOAD_TOO_LARGE before writing', async () => {
    const files = unstorageStorage(createStorage({ driver: memoryDriver() }), { maxBytes: 3 });
    await expect(files.put('big', 'four')).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await files.exists('big')).toBe(false);
  });
});

describe('memoryStorage specifics', () => {
  it('maxBytes throws PAYLOAD_TOO_LARGE, also for streams, before writing', async () => {
    const files = memoryStorage({ maxBytes: 4 });
    await expect(files.put('a', 'hello')).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(files.put('b', new Blob(['hello']).stream())).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await files.list()).toEqual([]);
  });

  it('guesses the content type from the extension when not given', async () => {
    const files = memoryStorage();
    expect((await files.put('a.png', new Uint8Array(1))).contentType).toBe('image/png');
    expect((await files.put('noext', 'x')).contentType).toBe('application/octet-stream');
  });

  it('copies a Node Buffer instead of sharing its memory', async () => {
    const files = memoryStorage();
    const buffer = Buffer.from('abc');
    await files.put('b', buffer);
    buffer[0] = 0x7a;
    const read = await files.get('b');
    expect(new TextDecoder().decode(read)).toBe('abc');
    expect(Buffer.isBuffer(read)).toBe(false);
  });

  it('rejects bad content and bad options', async () => {
    await expect(memoryStorage().put('a', 42 as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(() => memoryStorage({ maxBytes: -1 })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});
