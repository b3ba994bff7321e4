// Runs the README's quick start exactly as written (imports resolve to the sources), with msw
// standing in for GitHub's API, and checks what it prints.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('## Quick start'));
const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];

let calls = 0;
const server = setupServer(
  http.get('https://api.github.com/repos/nodejs/node', () => {
    calls++;
    // The first answer is a transient failure: the quick start's client retries it.
    if (calls === 1) return HttpResponse.json({ message: 'busy' }, { status: 503, headers: { 'retry-after': '0' } });
    return HttpResponse.json({ full_name: 'nodejs/node' });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('the quick start runs as written', async () => {
  expect(code, 'README has a ts block under "## Quick start"').toBeDefined();
  const dir = new URL('./.tmp/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL('quick-start.example.ts', dir);
  writeFileSync(file, code as string);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ fileURLToPath(file));
    expect(warn.mock.calls.map((c) => c.join(' '))).toEqual(['retry 2 in 0 ms']);
    expect(log.mock.calls.map((c) => c.join(' '))).toEqual([
      'repository nodejs/node',
      'pushed to refs/heads/main',
      '202 401',
    ]);
    expect(calls).toBe(2);
  } finally {
    log.mockRestore();
    warn.mockRestore();
  }
});
