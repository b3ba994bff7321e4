// Continuous mode: requests keep coming until Ctrl-C (SIGINT); then the demo stops taking new
// ones, finishes those in flight, closes everything and exits 0 with nothing lost.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('demo until Ctrl-C', () => {
  it('drains the requests in flight on SIGINT and exits 0', async () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/wawagot/main.ts', '--port', '0', '--interval', '100'],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!stdout.includes('dashboard http://') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toMatch(/^WAWAGOT demo \(embedded\) · dashboard http:\/\/127\.0\.0\.1:\d+\//);
      await new Promise((r) => setTimeout(r, 2_500)); // a couple of dozen requests, some still running
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).toBe('');
    expect(stdout).toMatch(/stopping: no new requests; finishing the \d+ in flight/);
    const final = stdout.match(/requests (\d+)\/(\d+) · .*\nstopped, nothing lost\n$/);
    expect(final).not.toBeNull();
    expect(Number(final?.[2])).toBeGreaterThan(5);
    expect(final?.[1]).toBe(final?.[2]);
  }, 90_000);
});
