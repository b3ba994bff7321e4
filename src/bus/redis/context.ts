import type { Redis } from 'ioredis';
import { errorInfo } from '../../internal/error-info.js';
import type { TransportCommon } from '../transport-options.js';
import { peek } from '../wire.js';

/** What the consumer loops of one Redis transport share. */
export interface RedisContext extends TransportCommon {
  redis: Redis;
  stream: string;
  consumer: string;
  deadStream: string;
  /** `XADD` trim arguments. */
  trim: string[];
  claimIdleMs: number;
  blockMs: number;
  batchSize: number;
}

/**
 * A stream entry as the `…Buffer` commands of ioredis return it: id and a flat field list (null
 * once trimmed). Reading Buffers skips the string copy of every id, field name and value: only
 * the envelope is decoded.
 */
export type StreamEntry = [id: Buffer, fields: Buffer[] | null];

/** The value of the one-letter field `name` (`'e'`, `'o'`) in a flat field list. */
export function field(fields: Buffer[] | null, name: string): Buffer | undefined {
  if (!fields) return undefined;
  const code = name.charCodeAt(0);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const key = fields[i] as Buffer;
    if (key.length === 1 && key[0] === code) return fields[i + 1];
  }
  return undefined;
}

/** The envelope JSON of an entry (`undefined` when it has none). */
export function body(fields: Buffer[] | null): string | undefined {
  return field(fields, 'e')?.toString();
}

/**
 * Arguments of the `XADD` that parks an entry in the dead-letter stream with its error, and the
 * report to make once it is stored.
 */
export function deadLetter(
  ctx: RedisContext,
  entry: StreamEntry,
  error: unknown,
  group: string | undefined,
  attempts: number,
): { args: Array<string | Buffer>; report(): void } {
  const info = errorInfo(error);
  const e = field(entry[1], 'e');
  const report = () => ctx.reportDead({ ...peek(e?.toString()), group, attempts, error: info });
  const args = [
    ctx.deadStream,
    ...ctx.trim,
    '*',
    'e',
    e ?? '',
    'entry',
    entry[0],
    'group',
    group ?? '',
    'consumer',
    ctx.consumer,
    'attempts',
    String(attempts),
    'error',
    JSON.stringify(info),
  ];
  return { args, report };
}

/** A blocking-read connection of its own, with a recognisable name. */
export function readerConnection(ctx: RedisContext, label: string): Redis {
  const name = (ctx.redis.options as { connectionName?: string }).connectionName;
  const reader = ctx.redis.duplicate({ connectionName: `${name ?? 'bus'}:${label}`, lazyConnect: false });
  reader.on('error', (error: unknown) => {
    ctx.logger?.warn({ stream: ctx.stream, error: errorInfo(error) }, 'bus reader connection error');
  });
  return reader;
}
