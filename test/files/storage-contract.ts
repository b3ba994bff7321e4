import { beforeEach, describe, expect, it } from 'vitest';
import type { FileStorage } from '../../src/files/index.js';
import { sha256Hex } from '../../src/files/index.js';
import { isNotFoundError } from '../../src/index.js';
import { codeOf } from '../helpers/error-code.js';

/** Builds an empty storage for one test. */
export type MakeStorage = () => Promise<FileStorage>;

/** Paths that must never reach a backend (each throws INVALID_PATH). */
export const TRAVERSAL_PATHS = [
  '../escape.txt',
  '../../etc/passwd',
  'a/../../escape.txt',
  'a/../b.txt',
  './a.txt',
  '/etc/passwd',
  '/absolute.txt',
  '..',
  '.',
  '',
  'a//b.txt',
  'a/',
  '%2e%2e/escape.txt',
  '%2E%2E%2Fescape.txt',
  '..%2fescape.txt',
  '%252e%252e/escape.txt',
  'a%5c..%5cescape.txt',
  '..\\escape.txt',
  'a\\..\\..\\escape.txt',
  'C:\\Windows\\win.ini',
  'C:/escape.txt',
  'nul\0byte.txt',
  'a/\0/b.txt',
  'line\nbreak.txt',
  '.tmp-reserved',
];

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function readStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** The FileStorage contract: every driver must pass it unchanged. */
export function storageContract(label: string, make: MakeStorage): void {
  describe(`FileStorage contract: ${label}`, () => {
    let storage: FileStorage;
    beforeEach(async () => {
      storage = await make();
    });

    it('put resolves to path, size, sha256 and content type; get returns the bytes', async () => {
      const stored = await storage.put('docs/hello.txt', 'hello wörld', { contentType: 'text/plain' });
      expect(stored).toEqual({
        path: 'docs/hello.txt',
        size: new TextEncoder().encode('hello wörld').byteLength,
        sha256: await sha256Hex(new TextEncoder().encode('hello wörld')),
        contentType: 'text/plain',
      });
      expect(decode(await storage.get('docs/hello.txt'))).toBe('hello wörld');
      expect(await readStream(await storage.get('docs/hello.txt', { as: 'stream' }))).toBe('hello wörld');
    });

    it('accepts Uint8Array, ArrayBuffer, Blob and ReadableStream content, binary-safe', async () => {
      const binary = new Uint8Array(256).map((_, i) => i);
      await storage.put('bin/u8.bin', binary);
      await storage.put('bin/ab.bin', binary.buffer.slice(0));
      await storage.put('bin/blob.bin', new Blob([binary]));
      await storage.put('bin/stream.bin', new Blob([binary]).stream());
      await storage.put('bin/view.bin', new DataView(binary.buffer));
      for (const path of ['bin/u8.bin', 'bin/ab.bin', 'bin/blob.bin', 'bin/stream.bin', 'bin/view.bin']) {
        expect(Array.from(await storage.get(path))).toEqual(Array.from(binary));
      }
      binary[0] = 99; // the store kept its own copy
      expect((await storage.get('bin/u8.bin'))[0]).toBe(0);
    });

    it('put replaces; stat, exists and delete', async () => {
      await storage.put('a.json', '{"v":1}', { contentType: 'application/json' });
      await storage.put('a.json', '{"v":22}', { contentType: 'application/json' });
      expect(decode(await storage.get('a.json'))).toBe('{"v":22}');
      const stat = await storage.stat('a.json');
      expect(stat).toMatchObject({ path: 'a.json', size: 8, contentType: 'application/json' });
      expect(await storage.exists('a.json')).toBe(true);
      expect(await storage.delete('a.json')).toBe(true);
      expect(await storage.delete('a.json')).toBe(false);
      expect(await storage.exists('a.json')).toBe(false);
      expect(await storage.stat('a.json')).toBeUndefined();
    });

    it('get of a missing file throws NotFoundError', async () => {
      const error = await storage.get('missing/file.txt').catch((e: unknown) => e);
      expect(isNotFoundError(error)).toBe(true);
    });

    it('list(prefix) returns sorted paths by string prefix', async () => {
      for (const path of ['img/b.png', 'img/a.png', 'img2/c.png', 'docs/x/y/z.txt', 'top.txt'])
        await storage.put(path, path);
      expect(await storage.list()).toEqual(['docs/x/y/z.txt', 'img/a.png', 'img/b.png', 'img2/c.png', 'top.txt']);
      expect(await storage.list('img/')).toEqual(['img/a.png', 'img/b.png']);
      expect(await storage.list('img')).toEqual(['img/a.png', 'img/b.png', 'img2/c.png']);
      expect(await storage.list('docs/x/')).toEqual(['docs/x/y/z.txt']);
      expect(await storage.list('none/')).toEqual([]);
    });

    it('empty files and unicode names work', async () => {
      await storage.put('ünï/cödé 🦄.txt', '');
      expect((await storage.get('ünï/cödé 🦄.txt')).byteLength).toBe(0);
      expect(await storage.list('ünï/')).toEqual(['ünï/cödé 🦄.txt']);
    });

    it(`refuses ${TRAVERSAL_PATHS.length} traversal paths with INVALID_PATH on every method`, async () => {
      let escapes = 0;
      for (const path of TRAVERSAL_PATHS) {
        const codes = [
          await codeOf(storage.put(path, 'x')),
          await codeOf(storage.get(path)),
          await codeOf(storage.stat(path)),
          await codeOf(storage.exists(path)),
          await codeOf(storage.delete(path)),
        ];
        if (codes.some((c) => c !== 'INVALID_PATH')) escapes++;
        expect(codes, JSON.stringify(path)).toEqual(Array(5).fill('INVALID_PATH'));
      }
      expect(escapes).toBe(0);
      expect(await codeOf(storage.list('../'))).toBe('INVALID_PATH');
      expect(await storage.list()).toEqual([]);
    });

    it('refuses a malformed content type', async () => {
      expect(await codeOf(storage.put('x.txt', 'x', { contentType: 'text/plain\r\nX-Evil: 1' }))).toBe('VALIDATION');
      expect(await storage.exists('x.txt')).toBe(false);
    });
  });
}
