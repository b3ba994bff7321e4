import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, realpath, stat as statFile, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { IntegrationError } from '../../errors/integration-error.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import { configError } from '../../internal/config.js';
import { checkContentType, maxBytesOption, sha256Hex, toBytes, typeFromPath } from '../bytes.js';
import { checkPath, checkPrefix, TEMP_PREFIX } from '../path.js';
import type { FileData, FileStat, FileStorage, GetOptions, PutOptions } from '../types.js';
import { writeFileAtomic } from './atomic-write.js';
import { errno, fsAttempt } from './fs-attempt.js';

/** Options of {@link localStorage}. */
export interface LocalStorageOptions {
  /** Directory every file lives under (created when missing). */
  root: string;
  /** Largest accepted file; bigger ones throw `PAYLOAD_TOO_LARGE` before writing. @default unlimited */
  maxBytes?: number;
}

const escaped = () =>
  new IntegrationError('invalid file path: resolves outside the storage root', {
    code: 'INVALID_PATH',
    details: { reason: 'outside root' },
  });

/**
 * A {@link FileStorage} on the local disk under `root` (Node only). Writes are atomic
 * (temporary file + fsync + rename + directory fsync): readers and crashes see the old or the
 * new file, never a torn one. Every path is checked before I/O, and symlinks that resolve
 * outside `root` (directories on the way, or the file itself) are refused with
 * `INVALID_PATH`; a `put` onto a symlink inside `root` replaces the link; `list` does not
 * follow symlinks. The
 * content type is not persisted: `stat` guesses it from the extension.
 *
 * @example
 * ```ts
 * import { localStorage } from '@wawagot/integrations/files/node';
 * const files = localStorage({ root: './uploads' });
 * await files.put('avatars/ada.png', pngBytes, { contentType: 'image/png' });
 * ```
 */
export function localStorage(options: LocalStorageOptions): FileStorage {
  if (typeof options?.root !== 'string' || options.root === '') configError('localStorage needs a root directory');
  const root = resolve(options.root);
  const maxBytes = maxBytesOption(options.maxBytes);
  let rootReal: Promise<string> | undefined;
  const realRoot = () => {
    rootReal ??= mkdir(root, { recursive: true })
      .then(() => realpath(root))
      .catch((error: unknown) => {
        rootReal = undefined;
        throw error;
      });
    return rootReal;
  };
  const inside = (base: string, target: string) => target === base || target.startsWith(base + sep);

  /** Resolves the deepest existing ancestor of `full` and checks it is inside the root. */
  async function assertAncestorInside(full: string): Promise<void> {
    const base = await realRoot();
    let dir = full;
    for (;;) {
      try {
        if (!inside(base, await realpath(dir))) throw escaped();
        return;
      } catch (error) {
        if (errno(error) !== 'ENOENT' && errno(error) !== 'ENOTDIR') throw error;
        const parent = dirname(dir);
        if (parent === dir) throw escaped();
        dir = parent;
      }
    }
  }
  /** Refuses a `put` onto a symlink that resolves (or dangles) outside the root. */
  async function assertTargetInside(full: string): Promise<void> {
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(full);
    } catch (error) {
      if (errno(error) === 'ENOENT') return;
      throw error;
    }
    if (!info.isSymbolicLink()) return;
    try {
      if (!inside(await realRoot(), await realpath(full))) throw escaped();
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error;
      await assertAncestorInside(resolve(dirname(full), await readlink(full)));
    }
  }
  /** The real path of an existing file inside the root, or `undefined` when it is missing. */
  async function existing(path: string): Promise<string | undefined> {
    const full = join(root, ...checkPath(path));
    const base = await realRoot();
    let real: string;
    try {
      real = await realpath(full);
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') {
        await assertAncestorInside(full);
        return undefined;
      }
      throw error;
    }
    if (!inside(base, real)) throw escaped();
    return (await statFile(real)).isFile() ? real : undefined;
  }
  const attempt = <T>(op: string, fn: () => Promise<T>) => fsAttempt('localStorage', op, fn);

  async function get(path: string, opts?: GetOptions) {
    return attempt('get', async () => {
      const real = await existing(path);
      if (!real) throw new NotFoundError('file not found', { details: { op: 'get' } });
      if (opts?.as === 'stream') return Readable.toWeb(createReadStream(real)) as ReadableStream<Uint8Array>;
      return new Uint8Array(await readFile(real));
    });
  }

  async function walk(dir: string, out: string[]): Promise<void> {
    let entries: Array<import('node:fs').Dirent>;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(TEMP_PREFIX) || entry.isSymbolicLink()) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, out);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  }

  return {
    put: (path: string, data: FileData, opts?: PutOptions) =>
      attempt('put', async () => {
        const full = join(root, ...checkPath(path));
        const contentType = checkContentType(opts?.contentType) ?? typeFromPath(path);
        const bytes = await toBytes(data, maxBytes);
        await assertAncestorInside(dirname(full));
        await mkdir(dirname(full), { recursive: true });
        await assertAncestorInside(dirname(full)); // re-check: a symlink may have appeared meanwhile
        await assertTargetInside(full);
        await writeFileAtomic(full, bytes);
        return { path, size: bytes.byteLength, sha256: await sha256Hex(bytes), contentType };
      }),
    get: get as FileStorage['get'],
    stat: (path: string) =>
      attempt('stat', async (): Promise<FileStat | undefined> => {
        const real = await existing(path);
        if (!real) return undefined;
        const info = await statFile(real);
        return { path, size: info.size, contentType: typeFromPath(path), modifiedAt: info.mtime };
      }),
    delete: (path: string) =>
      attempt('delete', async () => {
        const full = join(root, ...checkPath(path));
        await assertAncestorInside(dirname(full));
        try {
          const info = await lstat(full);
          if (!info.isFile() && !info.isSymbolicLink()) return false;
          await unlink(full);
          return true;
        } catch (error) {
          if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return false;
          throw error;
        }
      }),
    exists: (path: string) => attempt('exists', async () => (await existing(path)) !== undefined),
    list: (prefix = '') =>
      attempt('list', async () => {
        checkPrefix(prefix);
        await realRoot();
        const slash = prefix.lastIndexOf('/');
        const start = slash < 0 ? root : join(root, ...prefix.slice(0, slash).split('/'));
        await assertAncestorInside(start);
        const out: string[] = [];
        await walk(start, out);
        return out.filter((p) => p.startsWith(prefix)).sort();
      }),
  };
}
