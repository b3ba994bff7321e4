import { createHash } from 'node:crypto';

const SAFE = /^[a-z0-9_-]$/;
const SUFFIX = '.json';
const MAX_NAME = 200;
const encoder = new TextEncoder();

/**
 * Maps a key to a file name that cannot leave its directory or collide on case-insensitive
 * file systems: `[a-z0-9_-]` stay, every other UTF-8 byte becomes `~xx` (so no `.`, `/`, `\`
 * or NUL ever reaches the name). Names that would be too long become `~h` + SHA-256 of the
 * key; the key itself is also stored inside the file.
 */
export function keyToFile(key: string): string {
  let name = '';
  for (const ch of key) {
    if (SAFE.test(ch)) name += ch;
    else for (const byte of encoder.encode(ch)) name += `~${byte.toString(16).padStart(2, '0')}`;
    if (name.length > MAX_NAME) return `~h${createHash('sha256').update(key).digest('hex')}${SUFFIX}`;
  }
  return name + SUFFIX;
}

/** The key a file name encodes; `undefined` for hashed names (read the file) and foreign files. */
export function fileToKey(name: string): string | undefined {
  if (!name.endsWith(SUFFIX) || name.startsWith('~h') || name.startsWith('.')) return undefined;
  const body = name.slice(0, -SUFFIX.length);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '~') {
      const byte = Number.parseInt(body.slice(i + 1, i + 3), 16);
      if (Number.isNaN(byte)) return undefined;
      bytes.push(byte);
      i += 2;
    } else if (SAFE.test(ch)) bytes.push(ch.charCodeAt(0));
    else return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Whether a directory entry is a hashed key file (its key is inside). */
export const isHashedName = (name: string) => name.startsWith('~h') && name.endsWith(SUFFIX);
