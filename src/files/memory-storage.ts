import { NotFoundError } from '../errors/not-found-error.js';
import { systemClock } from '../internal/clock.js';
import type { Clock } from '../types.js';
import { bytesToStream, checkContentType, maxBytesOption, sha256Hex, toBytes, typeFromPath } from './bytes.js';
import { checkPath, checkPrefix } from './path.js';
import type { FileData, FileStat, FileStorage, GetOptions, PutOptions, StoredFile } from './types.js';

/** Options of {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /** Largest accepted file; bigger ones throw `PAYLOAD_TOO_LARGE`. @default unlimited */
  maxBytes?: number;
  /** Source of `modifiedAt`. @default systemClock */
  clock?: Clock;
}

interface Entry {
  bytes: Uint8Array;
  info: StoredFile;
  modifiedAt: number;
}

/**
 * An in-process {@link FileStorage} for tests, caches and edge functions. Content is copied
 * in and out, paths are checked exactly as on disk.
 *
 * @example
 * ```ts
 * const files = memoryStorage();
 * await files.put('notes/today.txt', 'hello');
 * new TextDecoder().decode(await files.get('notes/today.txt')); // 'hello'
 * ```
 */
export function memoryStorage(options: MemoryStorageOptions = {}): FileStorage {
  const maxBytes = maxBytesOption(options.maxBytes);
  const clock = options.clock ?? systemClock;
  const files = new Map<string, Entry>();

  async function get(path: string, opts?: GetOptions): Promise<Uint8Array | ReadableStream<Uint8Array>> {
    checkPath(path);
    const entry = files.get(path);
    if (!entry) throw new NotFoundError('file not found', { details: { op: 'get' } });
    const copy = entry.bytes.slice();
    return opts?.as === 'stream' ? bytesToStream(copy) : copy;
  }

  return {
    async put(path: string, data: FileData, opts?: PutOptions) {
      checkPath(path);
      const contentType = checkContentType(opts?.contentType) ?? typeFromPath(path);
      const bytes = await toBytes(data, maxBytes);
      const info: StoredFile = { path, size: bytes.byteLength, sha256: await sha256Hex(bytes), contentType };
      files.set(path, { bytes, info, modifiedAt: clock.now() });
      return { ...info };
    },
    get: get as FileStorage['get'],
    async stat(path: string): Promise<FileStat | undefined> {
      checkPath(path);
      const entry = files.get(path);
      return entry && { ...entry.info, modifiedAt: new Date(entry.modifiedAt) };
    },
    async delete(path: string) {
      checkPath(path);
      return files.delete(path);
    },
    async exists(path: string) {
      checkPath(path);
      return files.has(path);
    },
    async list(prefix = '') {
      checkPrefix(prefix);
      return [...files.keys()].filter((p) => p.startsWith(prefix)).sort();
    },
  };
}
