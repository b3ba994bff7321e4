// Continuous mode: requests keep coming until Ctrl-C (SIGINT); then the demo stops taking new
// ones, finishes those in flight, closes everything and exits 0 with nothing lost.
import { describe, expect, it } from 'vitest';
import { spawnDemo } from './helpers.js';

describe('demo until Ctrl-C', () => {
  it('drains the requests in flight on SIGINT and exits 0', async () => {
    const { child, output, exited } = spawnDemo(['--port', '0', '--interval', '100']);
    try {
      const deadline = Date.now() + 20_000;
      while (!output.stdout.includes('dashboard http://') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(output.stdout).toMatch(/^WAWAGOT demo \(embedded\) · dashboard http:\/\/127\.0\.0\.1:\d+\//);
      await new Promise((r) => setTimeout(r, 2_500)); // a couple of dozen requests, some still running
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const { stdout, stderr } = output;
    expect(stderr).toBe('');
    expect(stdout).toMatch(/stopping: no new requests; finishing the \d+ in flight/);
    const final = stdout.match(/requests (\d+)\/(\d+) · .*\nstopped, nothing lost\n$/);
    expect(final).not.toBeNull();
    expect(Number(final?.[2])).toBeGreaterThan(5);
    expect(final?.[1]).toBe(final?.[2]);
  }, 90_000);
});
