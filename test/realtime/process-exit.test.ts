import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/reconnect-exit.ts', import.meta.url));

describe('connectSSE in a Node script', () => {
  it('holds the process open through reconnect waits and ends with the final error', () => {
    // Timers of systemClock are unref'd; before, Node exited (code 13) during the first
    // reconnect wait and the script never saw the NetworkError.
    const out = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.error).toBeUndefined();
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n')).toEqual(['event ping', 'error NetworkError']);
    expect(out.status).toBe(0);
  }, 30_000);
});
