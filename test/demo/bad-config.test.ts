// Bad configuration fails fast: one clear line on stderr, exit code 2, no stack trace, no secret.
import { describe, expect, it } from 'vitest';
import { runDemoCli } from './helpers.js';

const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
  [
    'unreachable REDIS_URL',
    { REDIS_URL: 'redis://:hunter2-redis@127.0.0.1:1' },
    ['--once'],
    /^wawagot demo: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
  ],
  [
    'DATABASE_URL with an unknown role',
    { DATABASE_URL: 'postgres://no_such_role:hunter2-pg@127.0.0.1:5432/test' },
    ['--once'],
    /^wawagot demo: cannot connect to PostgreSQL at postgres:\/\/127\.0\.0\.1:5432\/test: /,
  ],
  [
    'unreachable DATABASE_URL',
    { DATABASE_URL: 'postgres://postgres:hunter2-pg@127.0.0.1:1/test' },
    ['--once'],
    /^wawagot demo: cannot connect to PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
  ],
  ['DATABASE_URL that is not a URL', { DATABASE_URL: 'hunter2-not-a-url' }, ['--once'], /DATABASE_URL is not a URL/],
  ['REDIS_URL with a wrong scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, ['--once'], /REDIS_URL must start with/],
  ['an unknown flag', {}, ['--once', '--nope'], /unknown option --nope/],
  ['a bad --calls', {}, ['--once', '--calls', '0'], /--calls needs an integer >= 1/],
];

describe('demo with bad configuration', () => {
  it.each(cases)(
    '%s: one line, exit 2',
    async (_name, env, args, pattern) => {
      const started = Date.now();
      const { code, stdout, stderr } = await runDemoCli(args, env, 30_000);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr).not.toContain('hunter2');
      expect(Date.now() - started).toBeLessThan(15_000);
    },
    30_000,
  );
});
