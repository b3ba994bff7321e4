import { describe, expect, it } from 'vitest';
import { createFileHub, memoryStorage, sniffContentType } from '../../src/files/index.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10);
const MP3 = new Uint8Array([...new TextEncoder().encode('ID3'), 3, 0, 0, 0, 0, 0, 0]);
const WAV = new Uint8Array([...new TextEncoder().encode('RIFF'), 0, 0, 0, 0, ...new TextEncoder().encode('WAVEfmt ')]);
const MP4 = new Uint8Array([0, 0, 0, 0x18, ...new TextEncoder().encode('ftypisom'), 0, 0, 0, 0]);
const WEBM = bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f);
const PDF = new TextEncoder().encode('%PDF-1.7\n');

describe('sniffContentType', () => {
  it('recognises magic bytes and text', () => {
    const cases: Array<[Uint8Array | string, string]> = [
      [PNG, 'image/png'],
      [JPEG, 'image/jpeg'],
      [new TextEncoder().encode('GIF89a'), 'image/gif'],
      [MP3, 'audio/mpeg'],
      [WAV, 'audio/wav'],
      [MP4, 'video/mp4'],
      [WEBM, 'video/webm'],
      [PDF, 'application/pdf'],
      ['{"a": [1, 2]}', 'application/json'],
      ['  [1,2,3]', 'application/json'],
      ['{not json', 'text/plain'],
      ['BMW is a car', 'text/plain'],
      ['<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'image/svg+xml'],
      ['<!DOCTYPE html><html></html>', 'text/html'],
      ['héllo wörld', 'text/plain'],
      [bytes(0, 1, 2, 3, 250, 251), 'application/octet-stream'],
      [bytes(), 'application/octet-stream'],
    ];
    for (const [input, type] of cases) {
      const data = typeof input === 'string' ? new TextEncoder().encode(input) : input;
      expect(sniffContentType(data), String(input)).toBe(type);
    }
  });
});

describe('sniffContentType on large text', () => {
  it('UTF-8 text over 1 MiB is text even when the 1 MiB mark cuts a character', () => {
    // 'a' then two-byte characters: byte 1,048,575 is the first half of an 'é'.
    const text = new TextEncoder().encode(`a${'é'.repeat(600_000)}`);
    expect(sniffContentType(text)).toBe('text/plain');
    expect(sniffContentType(text.subarray(1))).toBe('text/plain');
    // A stray continuation byte is still not UTF-8.
    expect(sniffContentType(bytes(0x61, 0x80, 0x61))).toBe('application/octet-stream');
  });
});

describe('createFileHub', () => {
  const make = (maxBytes?: number) => {
    const storages = { local: memoryStorage(), cloud: memoryStorage(), backup: memoryStorage() };
    const calls: string[] = [];
    const hub = createFileHub({
      storages,
      maxBytes,
      processors: {
        'text/*': ({ bytes }) => {
          calls.push('text');
          return { words: new TextDecoder().decode(bytes).split(/\s+/).length };
        },
        'image/*': ({ size, contentType }) => {
          calls.push('image');
          return { kind: 'image', size, contentType };
        },
        'audio/*': () => {
          calls.push('audio');
          return { kind: 'audio' };
        },
        'video/*': () => {
          calls.push('video');
          return { kind: 'video' };
        },
        'application/json': ({ bytes }) => {
          calls.push('json');
          return JSON.parse(new TextDecoder().decode(bytes));
        },
      },
    });
    return { hub, storages, calls };
  };

  it('sniffs the type, runs the matching processor, stores and returns metadata plus the result', async () => {
    const { hub, storages, calls } = make();
    const saved = await hub.save('cloud', 'img/cat.bin', PNG);
    expect(saved).toMatchObject({ path: 'img/cat.bin', storage: 'cloud', contentType: 'image/png', size: 12 });
    expect(saved.processed).toEqual({ kind: 'image', size: 12, contentType: 'image/png' });
    expect(saved.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await storages.cloud.exists('img/cat.bin')).toBe(true);
    expect(await storages.local.exists('img/cat.bin')).toBe(false);
    expect((await hub.save('local', 'a.json', '{"n":1}')).processed).toEqual({ n: 1 });
    expect((await hub.save('local', 'a.txt', 'three little words')).processed).toEqual({ words: 3 });
    await hub.save('local', 'a.mp3', MP3);
    await hub.save('local', 'a.mp4', MP4);
    expect(calls).toEqual(['image', 'json', 'text', 'audio', 'video']);
  });

  it('a given content type wins over sniffing; no matching processor means processed undefined', async () => {
    const { hub } = make();
    const saved = await hub.save('backup', 'x.dat', PNG, { contentType: 'application/octet-stream' });
    expect(saved).toMatchObject({ contentType: 'application/octet-stream', processed: undefined });
    expect((await hub.save('backup', 'd.pdf', PDF)).processed).toBeUndefined();
  });

  it('an unknown storage name throws CONFIG', async () => {
    const { hub } = make();
    await expect(hub.save('tape' as never, 'a.txt', 'x')).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(hub.save('__proto__' as never, 'a.txt', 'x')).rejects.toMatchObject({ code: 'CONFIG' });
    expect(() => hub.storage('tape' as never)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('maxBytes throws PAYLOAD_TOO_LARGE before any processor or write, for bytes, blobs and streams', async () => {
    const { hub, storages, calls } = make(4);
    for (const content of ['hello', new Blob(['hello']), new Blob(['hello']).stream()]) {
      await expect(hub.save('local', 'big.txt', content)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    }
    expect(calls).toEqual([]);
    expect(await storages.local.list()).toEqual([]);
    expect((await hub.save('local', 'ok.txt', 'four')).size).toBe(4);
  });

  it('a throwing processor stores nothing; a bad path stores nothing', async () => {
    const storage = memoryStorage();
    const hub = createFileHub({
      storages: { local: storage },
      processors: {
        '*': () => {
          throw new Error('virus found');
        },
      },
    });
    await expect(hub.save('local', 'a.txt', 'x')).rejects.toThrow('virus found');
    await expect(hub.save('local', '../a.txt', 'x')).rejects.toMatchObject({ code: 'INVALID_PATH' });
    expect(await storage.list()).toEqual([]);
  });

  it("'*/*' catches every type not matched more specifically", async () => {
    const hub = createFileHub({
      storages: { local: memoryStorage() },
      processors: { '*/*': () => 'any', 'text/*': () => 'text' },
    });
    expect((await hub.save('local', 'a.pdf', PDF)).processed).toBe('any');
    expect((await hub.save('local', 'a.txt', 'x')).processed).toBe('text');
  });

  it('refuses bad options with CONFIG', () => {
    expect(() => createFileHub({ storages: {} })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => createFileHub({ storages: { a: memoryStorage() }, processors: { 'not a type': () => 1 } })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => createFileHub({ storages: { a: memoryStorage() }, maxBytes: -1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
