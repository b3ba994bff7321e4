// Runs the demo's CLI the way `npm run demo` does (node + tsx, paths from tsconfig.json).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `examples/wawagot/main.ts` with `args`; REDIS_URL/DATABASE_URL only when given in `env`. */
export function runDemoCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  const base = { ...process.env };
  delete base.REDIS_URL;
  delete base.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/wawagot/main.ts', ...args], {
      cwd: root,
      env: { ...base, ...env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The value cell of a summary-table row. */
export function cell(table: string, metric: string): string | undefined {
  const row = table.split('\n').find((line) => line.startsWith(`| ${metric} `));
  return row?.split('|')[2]?.trim();
}
