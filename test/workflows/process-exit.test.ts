import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/await-sleeping-run.ts', import.meta.url));

describe('awaiting a run keeps the process alive', () => {
  it('a script awaiting result() of a sleeping run gets the output, then exits', () => {
    // The runner's wake-up timers are unref'd (a background runner never holds a process open),
    // so the caller's own await must: before, Node exited with code 13 and printed nothing.
    const out = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.error).toBeUndefined();
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('woke');
    expect(out.status).toBe(0);
  }, 30_000);
});
