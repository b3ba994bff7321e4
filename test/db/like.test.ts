import { describe, expect, it } from 'vitest';
import { memoryTable } from '../../src/db/index.js';
import { likeMatch } from '../../src/db/match.js';

describe('memoryTable like', () => {
  it('matches like PostgreSQL: %, _, escapes, whole characters', () => {
    expect(likeMatch('a%c', 'abbbc')).toBe(true);
    expect(likeMatch('a%c', 'abbbd')).toBe(false);
    expect(likeMatch('%', '')).toBe(true);
    expect(likeMatch('_', '')).toBe(false);
    expect(likeMatch('_', '😀')).toBe(true);
    expect(likeMatch('%b%b', 'abab')).toBe(true);
    expect(likeMatch('%b%b', 'abba')).toBe(false);
    expect(likeMatch('100\\%', '100%')).toBe(true);
    expect(likeMatch('100\\%', '1000')).toBe(false);
    expect(likeMatch('a\\_b', 'a_b')).toBe(true);
    expect(likeMatch('a\\_b', 'axb')).toBe(false);
    expect(likeMatch('.*', 'anything')).toBe(false);
    expect(likeMatch('line%', 'line1\nline2')).toBe(true);
  });

  it('a pathological pattern from user input does not backtrack exponentially', async () => {
    // As an anchored regular expression this pattern takes seconds on 40 characters (and
    // grows exponentially); vitest's 5 s test timeout catches a regression.
    const table = memoryTable<{ id: number; name: string }>();
    await table.insert([{ id: 1, name: 'a'.repeat(40) }]);
    const rows = await table.select({ where: { name: { like: '%a%a%a%a%a%a%a%a%a%b' } } });
    expect(rows).toEqual([]);
    const long = await table.select({ where: { name: { like: `${'%a'.repeat(30)}%` } } });
    expect(long).toHaveLength(1);
  });
});
