import { errorInfo } from '../../internal/error-info.js';
import type { Envelope } from '../types.js';
import { decodeEnvelope, retryPause } from '../wire.js';
import { deadLetter, entries, type RawEntry, type RedisContext, readerConnection } from './context.js';

type XRead = Array<[stream: Buffer, entries: RawEntry[]]> | null;

/**
 * Follows the stream with `XREAD` from its end at start, handing every entry published by
 * another bus to `handle` in order. The position lives in this process, so a reconnect resumes
 * where it left off; an entry `handle` rejects (an invalid message) is dead-lettered.
 */
export function broadcastLoop(
  ctx: RedisContext,
  handle: (envelope: Envelope) => Promise<void>,
): { started: Promise<void>; stop(): Promise<void> } {
  const { redis, stream } = ctx;
  const reader = readerConnection(ctx, 'broadcast');
  const abort = new AbortController();
  let stopping = false;
  const origin = Buffer.from(ctx.origin);
  let last: string | undefined;

  // The stream's end when the subscription starts; read again by the loop if this fails, so a
  // failed start never replays the whole stream history.
  const position = () =>
    redis.xrevrange(stream, '+', '-', 'COUNT', 1).then((rows) => {
      last = rows[0]?.[0] ?? '0-0';
    });
  const started = position();

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        if (last === undefined) await position();
        const reply = (await reader.callBuffer(
          'XREAD',
          'COUNT',
          ctx.batchSize,
          'BLOCK',
          ctx.blockMs,
          'STREAMS',
          stream,
          last as string,
        )) as XRead;
        failures = 0;
        for (const entry of entries(reply?.[0]?.[1], origin)) {
          last = entry[0];
          if (entry[1] === null) continue; // published by this transport
          try {
            await handle(decodeEnvelope(entry[1]));
          } catch (error) {
            const dead = deadLetter(ctx, entry, error, undefined, 1);
            await redis
              .xadd(...(dead.args as [string, string]))
              .then(dead.report, (e: unknown) =>
                ctx.logger?.error({ stream, error: errorInfo(e) }, 'bus dead letter not stored'),
              );
          }
        }
      } catch (error) {
        if (stopping) break;
        failures++;
        ctx.logger?.warn({ stream, error: errorInfo(error) }, 'bus broadcast read failed; retrying');
        await retryPause(failures, abort.signal, ctx.clock);
      }
    }
  }

  const done = started.then(run, run);
  return {
    started,
    async stop() {
      stopping = true;
      abort.abort();
      // Nothing to ack: dropping a blocked read loses nothing, the position is ours.
      reader.disconnect();
      await done;
    },
  };
}
