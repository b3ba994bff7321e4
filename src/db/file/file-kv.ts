import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StorageError } from '../../errors/storage-error.js';
import { writeFileAtomic } from '../../files/node/atomic-write.js';
import { errno, fsAttempt } from '../../files/node/fs-attempt.js';
import { TEMP_PREFIX } from '../../files/path.js';
import { systemClock } from '../../internal/clock.js';
import { configError } from '../../internal/config.js';
import type { Clock } from '../../types.js';
import { assertKey, assertKeys, encodeEntries, encodeValue, ttlOf } from '../kv-utils.js';
import type { KeyValue, SetOptions } from '../types.js';
import { fileToKey, isHashedName, keyToFile } from './key-file.js';

/** Options of {@link fileKV}. */
export interface FileKVOptions {
  /** Directory holding one JSON file per key (created when missing). */
  dir: string;
  /** Time source for TTLs. @default systemClock */
  clock?: Clock;
}

interface Stored {
  k: string;
  v: unknown;
  e: number | null;
}

/** Temporary files older than this were left by a crash (a live write takes far less). */
const STALE_TEMP_MS = 10 * 60_000;

/** Best-effort removal of temporary files a crashed writer left behind. */
async function sweepTemps(dir: string): Promise<void> {
  try {
    for (const name of await readdir(dir)) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => {});
    }
  } catch {
    // Cleanup must never fail a write.
  }
}

const isMissing = (error: unknown) => errno(error) === 'ENOENT';

/**
 * A {@link KeyValue} on the local file system: one JSON file per key in `dir`, written
 * atomically (temporary file + fsync + rename), so a crash leaves each key's old or new
 * value, never a torn file. Keys are encoded into file names that cannot leave `dir`.
 * Expired entries read as missing and are replaced by the next `set`. Temporary files older
 * than ten minutes (left by a crash) are removed on first use.
 *
 * @example
 * ```ts
 * import { fileKV } from '@wawagot/integrations/db/file';
 * const kv = fileKV({ dir: './data/kv' }); // or fileKV('./data/kv')
 * await kv.set('settings', { theme: 'dark' });
 * ```
 */
export function fileKV(dirOrOptions: string | FileKVOptions): KeyValue {
  const options = typeof dirOrOptions === 'string' ? { dir: dirOrOptions } : dirOrOptions;
  if (typeof options?.dir !== 'string' || options.dir === '') configError('fileKV needs a dir');
  const dir = resolve(options.dir);
  const clock = options.clock ?? systemClock;
  let ready: Promise<unknown> | undefined;
  const ensureDir = () => {
    ready ??= mkdir(dir, { recursive: true })
      .then(() => sweepTemps(dir))
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };

  const attempt = <T>(op: string, fn: () => Promise<T>) => fsAttempt('fileKV', op, fn);
  const readStored = async (name: string): Promise<Stored | undefined> => {
    let text: string;
    try {
      text = await readFile(join(dir, name), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as Stored;
    } catch (cause) {
      throw new StorageError(`fileKV: ${name} is not valid JSON`, { cause, details: { file: name } });
    }
  };
  const live = (stored: Stored | undefined): stored is Stored =>
    stored !== undefined && (stored.e === null || stored.e > clock.now());
  const read = async <T>(key: string): Promise<T | undefined> => {
    const stored = await readStored(keyToFile(assertKey(key)));
    return live(stored) ? (stored.v as T) : undefined;
  };
  const write = async (key: string, json: string, ttl: number | undefined) => {
    const expires = ttl === undefined ? 'null' : String(clock.now() + ttl);
    await ensureDir();
    await writeFileAtomic(join(dir, keyToFile(key)), `{"k":${JSON.stringify(key)},"e":${expires},"v":${json}}`);
  };

  return {
    get: <T>(key: string) => attempt('get', () => read<T>(key)),
    async set(key: string, value: unknown, opts?: SetOptions) {
      assertKey(key);
      const ttl = ttlOf(opts);
      const json = encodeValue(key, value);
      await attempt('set', () => write(key, json, ttl));
    },
    delete: (key: string) =>
      attempt('delete', async () => {
        const name = keyToFile(assertKey(key));
        const existed = live(await readStored(name));
        try {
          await unlink(join(dir, name));
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
        return existed;
      }),
    has: (key: string) => attempt('has', async () => live(await readStored(keyToFile(assertKey(key))))),
    keys: (prefix = '') =>
      attempt('keys', async () => {
        if (typeof prefix !== 'string') configError('keys(prefix) expects a string');
        let names: string[];
        try {
          names = await readdir(dir);
        } catch (error) {
          if (isMissing(error)) return [];
          throw error;
        }
        const out: string[] = [];
        for (const name of names) {
          const key = fileToKey(name);
          if (key === undefined && !isHashedName(name)) continue;
          if (key !== undefined && !key.startsWith(prefix)) continue;
          const stored = await readStored(name);
          if (live(stored) && stored.k.startsWith(prefix)) out.push(stored.k);
        }
        return out.sort();
      }),
    getMany: <T>(keys: readonly string[]) =>
      attempt('getMany', () => Promise.all(assertKeys(keys).map((k) => read<T>(k)))),
    async setMany(entries, opts?: SetOptions) {
      const ttl = ttlOf(opts);
      const encoded = encodeEntries(entries);
      await attempt('setMany', async () => {
        for (const [key, json] of encoded) await write(key, json, ttl);
      });
    },
  };
}
