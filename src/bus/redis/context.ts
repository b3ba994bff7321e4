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

/** A stream entry as the `…Buffer` commands of ioredis return it: id and a flat field list (null once trimmed). */
export type RawEntry = [id: Buffer, fields: Buffer[] | null];

/** An entry as the loops use it: id and envelope JSON (`null` once trimmed, `undefined` when missing). */
export type Entry = [id: string, body: string | null | undefined];

/** The value of the field named by the one character `code` in a flat field list. */
function field(fields: Buffer[], code: number): Buffer | undefined {
  for (let i = 1; i < fields.length; i += 2) {
    const key = fields[i - 1] as Buffer;
    if (key.length === 1 && key[0] === code) return fields[i];
  }
}

/**
 * Reduces the entries of a reply read as Buffers, in place, to id and envelope JSON (`null` for
 * the entries published by origin `skip`, as for trimmed ones). Only these two are ever decoded,
 * and no Buffer outlives the reply: held across a batch, they cost the garbage collector more
 * than the strings.
 */
export function entries(raw: RawEntry[] = [], skip?: Buffer): Entry[] {
  for (const entry of raw as unknown as Array<[Buffer | string, Buffer[] | string | null | undefined]>) {
    const fields = entry[1] as Buffer[] | null;
    entry[0] = String(entry[0]);
    // 'o' and 'e'
    entry[1] = fields && (skip && field(fields, 111)?.equals(skip) ? null : field(fields, 101)?.toString());
  }
  return raw as unknown as Entry[];
}

/**
 * Arguments of the `XADD` that parks an entry in the dead-letter stream with its error, and the
 * report to make once it is stored.
 */
export function deadLetter(
  ctx: RedisContext,
  entry: Entry,
  error: unknown,
  group: string | undefined,
  attempts: number,
): { args: string[]; report(): void } {
  const info = errorInfo(error);
  const report = () => ctx.reportDead({ ...peek(entry[1] ?? undefined), group, attempts, error: info });
  const args = [
    ctx.deadStream,
    ...ctx.trim,
    '*',
    'e',
    entry[1] ?? '',
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
