import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/wait-for-timeout.ts', import.meta.url));

describe('bus.waitFor in a script', () => {
  it('keeps the process alive until its timeout rejects with TIMEOUT', () => {
    // Before, the unref'd timer let Node exit with code 13 and the rejection never arrived.
    const out = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.error).toBeUndefined();
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('TIMEOUT');
    expect(out.status).toBe(0);
  }, 30_000);
});
