import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../src/webhooks/', import.meta.url).pathname;
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );

describe('webhooks entry is Web-standard', () => {
  it('imports no node: module, no Buffer, and has no index.ts below the entry', () => {
    for (const file of files(root)) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(/from ['"]node:/);
      expect(source, file).not.toMatch(/import\(['"]node:/);
      expect(source, file).not.toMatch(/\bBuffer\b/);
      if (file !== join(root, 'index.ts')) expect(file.endsWith('index.ts'), file).toBe(false);
    }
  });
});
