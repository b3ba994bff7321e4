const encoder = new TextEncoder();
/** CR, LF and NUL would end or corrupt an SSE field line. */
const UNSAFE = /[\r\n\0]/g;

/** Makes a value safe for an `id:` or `event:` line. */
export function fieldValue(value: string): string {
  return value.replace(UNSAFE, '');
}

/**
 * One SSE event: `id:` and `event:` lines (stripped of CR/LF/NUL) and one `data:` line per line
 * of `data`, so even a multi-line payload can never inject fields or events.
 */
export function formatEvent(event: string, id: string | undefined, data: string): string {
  let out = id === undefined ? '' : `id: ${fieldValue(id)}\n`;
  out += `event: ${fieldValue(event)}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** UTF-8 bytes of a frame. */
export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The `retry:` field sent once per connection. */
export function retryFrame(ms: number): Uint8Array {
  return encoder.encode(`retry: ${Math.round(ms)}\n\n`);
}

/** A heartbeat comment: ignored by parsers, keeps proxies from closing an idle stream. */
export const HEARTBEAT: Uint8Array = encoder.encode(': ping\n\n');
