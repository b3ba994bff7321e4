import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/finish-work.ts', import.meta.url));

describe('policies never keep a process alive', () => {
  it('a script that creates policies and finishes its work exits on its own', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('done');
    expect(result.status).toBe(0);
    // Timers armed for 60 s and 10 min are pending when the work ends; the process must not wait for them.
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
