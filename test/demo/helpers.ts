// Runs the demo's CLI the way `npm run demo` does (node + tsx, paths from tsconfig.json).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running demo process: its output so far and its exit code once it has closed. */
export interface DemoProcess {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** Starts `examples/wawagot/main.ts` with `args`; REDIS_URL/DATABASE_URL only when given in `env`. */
export function spawnDemo(args: string[], env: Record<string, string> = {}): DemoProcess {
  const base = { ...process.env };
  delete base.REDIS_URL;
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/wawagot/main.ts', ...args], {
    cwd: root,
    env: { ...base, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return { child, output, exited };
}

/** Runs the demo to its end (killed and rejected after `timeoutMs`). */
export async function runDemoCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<CliResult> {
  const { child, output, exited } = spawnDemo(args, env);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo did not exit within ${timeoutMs} ms\n${output.stdout}\n${output.stderr}`));
    }, timeoutMs);
  });
  try {
    const code = await Promise.race([exited, timedOut]);
    return { code, ...output };
  } finally {
    clearTimeout(timer);
  }
}

/** The value cell of a summary-table row. */
export function cell(table: string, metric: string): string | undefined {
  const row = table.split('\n').find((line) => line.startsWith(`| ${metric} `));
  return row?.split('|')[2]?.trim();
}
