import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/finish-work.ts', import.meta.url));

describe('policies never keep a process alive', () => {
  it('a script that creates policies and finishes its work exits on its own', () => {
    // Timers armed for 60 s and 10 min are pending when the work ends: a process that waited for
    // them would be killed by the spawn timeout and report an error.
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(result.error).toBeUndefined();
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('done');
    expect(result.status).toBe(0);
  }, 30_000);
});
