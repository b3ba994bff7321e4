import { isNotFoundError } from '../errors/not-found-error.js';
import { StorageError } from '../errors/storage-error.js';
import { configError } from '../internal/config.js';
import { errorInfo } from '../internal/error-info.js';
import type { Logger } from '../types.js';
import { checkContentType, sha256Hex, toBytes } from './bytes.js';
import { checkPath, checkPrefix } from './path.js';
import type { FileData, FileStorage, GetOptions, PutOptions, StoredFile } from './types.js';

/** Options of {@link mirroredStorage}. */
export interface MirroredStorageOptions {
  /** Receives fallbacks to the backup and partial failures at `warn`. */
  logger?: Logger;
  /** Name used in log lines. @default 'mirror' */
  name?: string;
}

/** What `verify` reports. */
export interface MirrorReport {
  /** True when both sides hold the same paths with the same content. */
  ok: boolean;
  /** Paths compared. */
  checked: number;
  missingInPrimary: string[];
  missingInBackup: string[];
  /** Paths on both sides whose SHA-256 differs. */
  different: string[];
}

/** A {@link FileStorage} that also checks its two sides agree. */
export interface MirroredStorage extends FileStorage {
  /** Compares every file under `prefix` on both sides by SHA-256. */
  verify(prefix?: string): Promise<MirrorReport>;
}

/**
 * Writes every file to `primary` and `backup` (in parallel; if either fails the put throws
 * `StorageError` naming the failed side), and reads from `primary`, falling back to `backup`
 * when the primary misses the file or fails. `verify()` reports divergence.
 *
 * @example
 * ```ts
 * const files = mirroredStorage(localStorage({ root: './files' }), unstorageStorage(s3));
 * await files.put('invoices/42.pdf', pdf);
 * const report = await files.verify('invoices/');
 * ```
 */
export function mirroredStorage(
  primary: FileStorage,
  backup: FileStorage,
  options: MirroredStorageOptions = {},
): MirroredStorage {
  if (!primary || !backup || typeof primary.put !== 'function' || typeof backup.put !== 'function') {
    configError('mirroredStorage needs two FileStorage instances');
  }
  const name = options.name ?? 'mirror';

  /** Runs `op` on both sides; throws when either failed. */
  async function both<T>(op: string, run: (s: FileStorage) => Promise<T>): Promise<[T, T]> {
    const [a, b] = await Promise.allSettled([run(primary), run(backup)]);
    if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
    const failed = [a.status === 'rejected' ? 'primary' : null, b.status === 'rejected' ? 'backup' : null].filter(
      Boolean,
    );
    const reason = a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
    options.logger?.warn({ storage: name, op, failed, error: errorInfo(reason) }, 'mirrored write failed');
    throw new StorageError(`${name}: ${op} failed on ${failed.join(' and ')}`, {
      cause: reason,
      details: { op, failed },
    });
  }
  /** Reads from the primary, then from the backup when the primary misses or fails. */
  async function read<T>(op: string, run: (s: FileStorage) => Promise<T>, missed: (value: T) => boolean): Promise<T> {
    let primaryError: unknown;
    try {
      const value = await run(primary);
      if (!missed(value)) return value;
    } catch (error) {
      primaryError = error;
      if (!isNotFoundError(error)) {
        options.logger?.warn({ storage: name, op, error: errorInfo(error) }, 'primary failed, reading the backup');
      }
    }
    try {
      return await run(backup);
    } catch (error) {
      throw primaryError !== undefined && !isNotFoundError(primaryError) ? primaryError : error;
    }
  }

  async function get(path: string, opts?: GetOptions) {
    checkPath(path);
    return read(
      'get',
      (s) => s.get(path, opts as { as: 'stream' }),
      () => false,
    );
  }

  return {
    async put(path: string, data: FileData, opts?: PutOptions): Promise<StoredFile> {
      checkPath(path);
      checkContentType(opts?.contentType);
      const bytes = await toBytes(data);
      const [stored] = await both('put', (s) => s.put(path, bytes, opts));
      return stored;
    },
    get: get as FileStorage['get'],
    stat: (path) =>
      read(
        'stat',
        (s) => s.stat(path),
        (v) => v === undefined,
      ),
    exists: (path) =>
      read(
        'exists',
        (s) => s.exists(path),
        (v) => !v,
      ),
    async delete(path) {
      checkPath(path);
      const [a, b] = await both('delete', (s) => s.delete(path));
      return a || b;
    },
    async list(prefix = '') {
      checkPrefix(prefix);
      const [a, b] = await both('list', (s) => s.list(prefix));
      return [...new Set([...a, ...b])].sort();
    },
    async verify(prefix = '') {
      checkPrefix(prefix);
      const [a, b] = await both('list', (s) => s.list(prefix));
      const inA = new Set(a);
      const inB = new Set(b);
      const report: MirrorReport = {
        ok: true,
        checked: new Set([...a, ...b]).size,
        missingInPrimary: b.filter((p) => !inA.has(p)),
        missingInBackup: a.filter((p) => !inB.has(p)),
        different: [],
      };
      for (const path of a.filter((p) => inB.has(p))) {
        const [x, y] = await both('verify', async (s) => sha256Hex(await s.get(path)));
        if (x !== y) report.different.push(path);
      }
      report.ok = !report.missingInBackup.length && !report.missingInPrimary.length && !report.different.length;
      return report;
    },
  };
}
