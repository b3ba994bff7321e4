import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

/** Starts the crash-test runner process. */
export function startChild(kind: 'postgres' | 'redis', name: string, runs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, kind, name, String(runs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = async (timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    while (!out.includes('READY')) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`child not ready: ${out} ${err.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, exited, ready, output: () => out, errors: () => err };
}
