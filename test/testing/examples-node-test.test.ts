// Runs examples/testing/node-test.test.ts as part of the suite, in its own process as a user
// would (the vitest and jest-style examples run through examples-*.test.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/testing/node-test.test.ts', () => {
  it('passes under node --import tsx --test', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'examples/testing/node-test.test.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).toMatch(/# pass [1-9]/);
    expect(output).toMatch(/# fail 0/);
    expect(run.status, output).toBe(0);
  }, 60_000);
});
