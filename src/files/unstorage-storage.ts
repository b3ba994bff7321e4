import { IntegrationError, isIntegrationError } from '../errors/integration-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { StorageError } from '../errors/storage-error.js';
import { configError } from '../internal/config.js';
import { bytesToStream, checkContentType, maxBytesOption, sha256Hex, toBytes, typeFromPath } from './bytes.js';
import { checkPath, checkPrefix } from './path.js';
import type { FileData, FileStat, FileStorage, GetOptions, PutOptions, StoredFile } from './types.js';

/**
 * The part of an unstorage `Storage` this adapter uses (any `createStorage({ driver })`
 * instance fits: fs, memory, S3, Azure, Cloudflare R2/KV, ...).
 */
export interface UnstorageLike {
  /** Whether `key` exists. */
  hasItem(key: string): Promise<boolean>;
  /** The raw stored value of `key` (bytes for binary-capable drivers). */
  getItemRaw(key: string): Promise<unknown>;
  /** Stores a raw value under `key` (`any`: unstorage types the raw value per driver). */
  setItemRaw(key: string, value: any): Promise<void>;
  /** Deletes `key` (and its metadata with `removeMeta`). */
  removeItem(key: string, options: { removeMeta: boolean }): Promise<void>;
  /** Keys under `base`. */
  getKeys(base?: string): Promise<string[]>;
  /** The metadata stored for `key`. */
  getMeta(key: string): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Stores metadata for `key` (`any`: unstorage's `StorageMeta` is an open record). */
  setMeta(key: string, meta: any): Promise<void>;
}

/** Options of {@link unstorageStorage}. */
export interface UnstorageStorageOptions {
  /** Largest accepted file; bigger ones throw `PAYLOAD_TOO_LARGE` before writing. @default unlimited */
  maxBytes?: number;
}

const toKey = (path: string) => checkPath(path).join(':');

function unstoragePath(path: string): string {
  // unstorage cuts keys at `?` and hides keys ending in `$` (its metadata): refuse both.
  if (path.includes('?') || path.includes('#') || path.endsWith('$')) {
    throw new IntegrationError('invalid file path: ?, # and a trailing $ are reserved by unstorage', {
      code: 'INVALID_PATH',
      details: { reason: 'reserved character' },
    });
  }
  return toKey(path);
}

function asBytes(value: unknown): Uint8Array | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array) return new Uint8Array(value); // a copy, and never a Buffer
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (typeof value === 'string') return new TextEncoder().encode(value);
  throw new StorageError('unstorage returned a value that is not bytes', { details: { op: 'get' } });
}

/**
 * Adapts any unstorage instance as a {@link FileStorage}: content goes through
 * `setItemRaw`/`getItemRaw`, and the content type and SHA-256 through unstorage metadata.
 * Paths map to unstorage keys (`a/b.txt` → `a:b.txt`); on top of the usual checks, `?`, `#`
 * and a trailing `$` are refused because unstorage gives them a meaning.
 *
 * @example
 * ```ts
 * import { createStorage } from 'unstorage';
 * import s3Driver from 'unstorage/drivers/s3';
 * const cloud = unstorageStorage(createStorage({ driver: s3Driver({ bucket: 'files', ... }) }));
 * ```
 */
export function unstorageStorage(storage: UnstorageLike, options: UnstorageStorageOptions = {}): FileStorage {
  if (!storage || typeof storage.getItemRaw !== 'function' || typeof storage.setItemRaw !== 'function') {
    configError('unstorageStorage needs an unstorage instance');
  }
  const maxBytes = maxBytesOption(options.maxBytes);

  async function attempt<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isIntegrationError(error)) throw error;
      throw new StorageError(`unstorage ${op} failed`, { cause: error, retryable: true, details: { op } });
    }
  }

  async function get(path: string, opts?: GetOptions) {
    const key = unstoragePath(path);
    return attempt('get', async () => {
      const bytes = asBytes(await storage.getItemRaw(key));
      if (!bytes) throw new NotFoundError('file not found', { details: { op: 'get' } });
      return opts?.as === 'stream' ? bytesToStream(bytes) : bytes;
    });
  }

  return {
    async put(path: string, data: FileData, opts?: PutOptions) {
      const key = unstoragePath(path);
      const contentType = checkContentType(opts?.contentType) ?? typeFromPath(path);
      const bytes = await toBytes(data, maxBytes);
      const info: StoredFile = { path, size: bytes.byteLength, sha256: await sha256Hex(bytes), contentType };
      await attempt('put', async () => {
        await storage.setItemRaw(key, bytes);
        await storage.setMeta(key, { contentType, sha256: info.sha256, size: info.size });
      });
      return info;
    },
    get: get as FileStorage['get'],
    async stat(path: string) {
      const key = unstoragePath(path);
      return attempt('stat', async (): Promise<FileStat | undefined> => {
        if (!(await storage.hasItem(key))) return undefined;
        const meta = await storage.getMeta(key);
        let size = typeof meta.size === 'number' ? meta.size : undefined;
        if (size === undefined) size = asBytes(await storage.getItemRaw(key))?.byteLength ?? 0;
        const stat: FileStat = {
          path,
          size,
          contentType: typeof meta.contentType === 'string' ? meta.contentType : typeFromPath(path),
        };
        if (meta.mtime instanceof Date) stat.modifiedAt = meta.mtime;
        if (typeof meta.sha256 === 'string') stat.sha256 = meta.sha256;
        return stat;
      });
    },
    async delete(path: string) {
      const key = unstoragePath(path);
      return attempt('delete', async () => {
        const existed = await storage.hasItem(key);
        await storage.removeItem(key, { removeMeta: true });
        return existed;
      });
    },
    async exists(path: string) {
      const key = unstoragePath(path);
      return attempt('exists', () => storage.hasItem(key));
    },
    async list(prefix = '') {
      checkPrefix(prefix);
      const slash = prefix.lastIndexOf('/');
      const base = slash < 0 ? '' : prefix.slice(0, slash).split('/').join(':');
      return attempt('list', async () =>
        (await storage.getKeys(base))
          .map((key) => key.split(':').join('/'))
          .filter((p) => p.startsWith(prefix))
          .sort(),
      );
    },
  };
}
