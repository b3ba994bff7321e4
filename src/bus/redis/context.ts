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

/** A stream entry as ioredis returns it: id and a flat field list (null once trimmed). */
export type StreamEntry = [id: string, fields: string[] | null];

/** The value of `name` in a flat field list. */
export function field(fields: string[] | null, name: string): string | undefined {
  if (!fields) return undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
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
): { args: string[]; report(): void } {
  const info = errorInfo(error);
  const report = () => ctx.reportDead({ ...peek(field(entry[1], 'e')), group, attempts, error: info });
  const args = [
    ctx.deadStream,
    ...ctx.trim,
    '*',
    'e',
    field(entry[1], 'e') ?? '',
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
