import { randomUUID } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TEMP_PREFIX } from '../path.js';

/**
 * Writes `data` to `path` so that readers (and a crash at any instant) see either the old
 * file or the complete new one: write a temporary file in the same directory, fsync it,
 * rename it over `path`, then fsync the directory so the rename itself is durable.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${TEMP_PREFIX}${randomUUID()}`);
  const handle = await open(temp, 'wx', 0o644);
  let closed = false;
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(temp, path);
  } catch (error) {
    if (!closed) await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDir(dir);
}

/** fsyncs a directory (a no-op where directories cannot be opened, such as Windows). */
export async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Durability of the rename is best effort where the platform refuses directory fsync.
  } finally {
    await handle?.close().catch(() => {});
  }
}
