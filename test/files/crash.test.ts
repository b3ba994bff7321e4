import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKV } from '../../src/db/file/index.js';
import { localStorage } from '../../src/files/node/index.js';
import { fileBytes, fileSeq, isKvValue, KEYS, kvValue } from './fixtures/crash-data.js';

const WRITES = 1000;
const ROUNDS = 2;
const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const base = await mkdtemp(join(tmpdir(), 'wawagot-crash-'));
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Write `seq` went to `key` (0 is the initial version of every key). */
const belongsTo = (key: string, seq: number) => seq === 0 || (seq <= WRITES && KEYS[seq % KEYS.length] === key);

/** Runs the writer and SIGKILLs it after `killAfter` acknowledged writes; resolves to that count. */
function runAndKill(mode: 'kv' | 'files', dir: string, killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, mode, dir, String(WRITES)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acknowledged = 0;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      acknowledged += lines.length;
      if (acknowledged >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited (${code}) before the kill`));
      else resolve(acknowledged);
    });
  });
}

describe('crash safety: kill -9 during 1,000 writes', () => {
  it('fileKV: every key holds its old or a new complete value, never a torn one', async () => {
    let torn = 0;
    let checked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(base, `kv-${round}`);
      const kv = fileKV({ dir });
      for (const key of KEYS) await kv.set(key, kvValue(0));
      const acknowledged = await runAndKill('kv', dir, 100 + Math.floor(Math.random() * 400));
      const after = fileKV({ dir });
      for (const key of KEYS) {
        checked++;
        const value = await after.get(key).catch(() => undefined);
        if (!isKvValue(value)) torn++;
        else expect(belongsTo(key, (value as { seq: number }).seq)).toBe(true);
      }
      expect((await after.keys()).sort()).toEqual([...KEYS].sort());
      const stray = (await readdir(dir)).filter((n) => n.startsWith('.tmp-')).length;
      console.log(
        `fileKV round ${round}: killed after ${acknowledged} acknowledged writes; ${KEYS.length} keys checked, torn so far ${torn}, leftover temp files ${stray}`,
      );
    }
    expect(checked).toBe(KEYS.length * ROUNDS);
    expect(torn).toBe(0);
  });

  it('localStorage: every file holds its old or a new complete content, never a torn one', async () => {
    let torn = 0;
    let checked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(base, `files-${round}`);
      const files = localStorage({ root: dir });
      for (const key of KEYS) await files.put(`${key}.bin`, fileBytes(0));
      const acknowledged = await runAndKill('files', dir, 100 + Math.floor(Math.random() * 400));
      for (const key of KEYS) {
        checked++;
        const seq = fileSeq(new Uint8Array(await readFile(join(dir, `${key}.bin`))));
        if (seq < 0) torn++;
        else expect(belongsTo(key, seq)).toBe(true);
      }
      expect(await localStorage({ root: dir }).list()).toEqual(KEYS.map((k) => `${k}.bin`).sort());
      const stray = (await readdir(dir)).filter((n) => n.startsWith('.tmp-')).length;
      console.log(
        `localStorage round ${round}: killed after ${acknowledged} acknowledged writes; ${KEYS.length} files checked, torn so far ${torn}, leftover temp files ${stray}`,
      );
    }
    expect(checked).toBe(KEYS.length * ROUNDS);
    expect(torn).toBe(0);
  });
});
