import { describe, expect, it } from 'vitest';
import { type FileStorage, memoryStorage, mirroredStorage } from '../../src/files/index.js';
import { isStorageError } from '../../src/index.js';
import { storageContract } from './storage-contract.js';

storageContract('mirroredStorage (memory + memory)', async () => mirroredStorage(memoryStorage(), memoryStorage()));

/** A storage whose every call fails, like an unreachable bucket. */
const broken = (): FileStorage => {
  const fail = async () => {
    throw new Error('bucket unreachable');
  };
  return { put: fail, get: fail, stat: fail, delete: fail, exists: fail, list: fail } as unknown as FileStorage;
};

describe('mirroredStorage', () => {
  it('writes to both sides', async () => {
    const primary = memoryStorage();
    const backup = memoryStorage();
    const files = mirroredStorage(primary, backup);
    await files.put('a.txt', 'hello');
    expect(new TextDecoder().decode(await primary.get('a.txt'))).toBe('hello');
    expect(new TextDecoder().decode(await backup.get('a.txt'))).toBe('hello');
  });

  it('reads fall back to the backup when the primary misses or fails', async () => {
    const primary = memoryStorage();
    const backup = memoryStorage();
    await backup.put('only-backup.txt', 'from backup');
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, warn: (o: object) => warnings.push(o), error() {} };
    const files = mirroredStorage(primary, backup, { logger });
    expect(new TextDecoder().decode(await files.get('only-backup.txt'))).toBe('from backup');
    expect(await files.exists('only-backup.txt')).toBe(true);
    expect((await files.stat('only-backup.txt'))?.size).toBe(11);
    const failing = mirroredStorage(broken(), backup, { logger });
    expect(new TextDecoder().decode(await failing.get('only-backup.txt'))).toBe('from backup');
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('a missing file on both sides is NotFoundError; a failed primary plus a miss keeps the primary error', async () => {
    const files = mirroredStorage(memoryStorage(), memoryStorage());
    await expect(files.get('none')).rejects.toMatchObject({ name: 'NotFoundError' });
    const failing = mirroredStorage(broken(), memoryStorage());
    await expect(failing.get('none')).rejects.toThrow('bucket unreachable');
  });

  it('a failed side makes put throw StorageError naming it', async () => {
    const primary = memoryStorage();
    const error = await mirroredStorage(primary, broken())
      .put('x.txt', 'x')
      .catch((e) => e);
    expect(isStorageError(error)).toBe(true);
    expect(error.details).toMatchObject({ failed: ['backup'] });
  });

  it('verify() reports missing and different files', async () => {
    const primary = memoryStorage();
    const backup = memoryStorage();
    const files = mirroredStorage(primary, backup);
    await files.put('same.txt', 'same');
    await primary.put('only-primary.txt', '1');
    await backup.put('only-backup.txt', '2');
    await primary.put('diff.txt', 'a');
    await backup.put('diff.txt', 'b');
    expect(await files.verify()).toEqual({
      ok: false,
      checked: 4,
      missingInPrimary: ['only-backup.txt'],
      missingInBackup: ['only-primary.txt'],
      different: ['diff.txt'],
    });
    expect((await files.verify('same')).ok).toBe(true);
  });

  it('refuses bad arguments with CONFIG', () => {
    expect(() => mirroredStorage(memoryStorage(), undefined as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
