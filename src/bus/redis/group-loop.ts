import { errorInfo } from '../../internal/error-info.js';
import { sleep } from '../../internal/sleep.js';
import { backoffDelay } from '../../policies/backoff.js';
import type { Envelope } from '../types.js';
import { decodeEnvelope, isPermanent, retryPause } from '../wire.js';
import { deadLetter, field, type RedisContext, readerConnection, type StreamEntry } from './context.js';

type XRead = Array<[stream: string, entries: StreamEntry[]]> | null;

/**
 * One member of the Redis consumer group `groupName` (the bus group `group` for `type`): reads with `XREADGROUP`, runs `handle` for each entry of
 * `type` (with retries), then acks the batch and parks failures in the dead-letter stream in one
 * `MULTI`. Pending entries of consumers idle for `claimIdleMs` are taken over with `XAUTOCLAIM`;
 * after a reconnect its own pending entries are read again first, so a reply lost with the
 * connection never strands an entry.
 */
export function groupLoop(
  ctx: RedisContext,
  groupName: string,
  group: string,
  consumer: string,
  type: string,
  handle: (envelope: Envelope) => Promise<void>,
): { started: Promise<void>; stop(): Promise<void> } {
  const { redis, stream } = ctx;
  const reader = readerConnection(ctx, `${groupName}:${consumer}`);
  const abort = new AbortController();
  let stopping = false;
  let blocked = false;
  let recover = true;
  let readerId: unknown;
  reader.on('ready', () => {
    recover = true;
    reader.call('CLIENT', 'ID').then(
      (id) => {
        readerId = id;
      },
      () => undefined,
    );
  });

  const createGroup = () =>
    redis.xgroup('CREATE', stream, groupName, '$', 'MKSTREAM').then(
      () => undefined,
      (error: unknown) => {
        if (!String((error as Error)?.message).includes('BUSYGROUP')) throw error;
      },
    );
  const started = createGroup();

  async function processBatch(entries: StreamEntry[], redelivered: boolean): Promise<void> {
    const acks: string[] = [];
    const dead: Array<ReturnType<typeof deadLetter>> = [];
    let previous: Map<string, number> | undefined;
    if (redelivered) {
      const first = entries[0]?.[0] as string;
      const last = entries[entries.length - 1]?.[0] as string;
      const rows = (await redis.xpending(stream, groupName, first, last, entries.length, consumer)) as Array<
        [string, string, number, number]
      >;
      // XAUTOCLAIM and re-reading the own history count deliveries: the earlier ones never acked
      // (a poison event that crashes its process each time ends in the dead letters).
      previous = new Map(rows.map((r) => [r[0], Math.max(0, Number(r[3]) - 1)]));
    }
    for (const entry of entries) {
      const [id, fields] = entry;
      if (!fields) {
        acks.push(id); // trimmed away before anyone handled it
        continue;
      }
      let attempt = previous?.get(id) ?? 0;
      let envelope: Envelope;
      try {
        envelope = decodeEnvelope(field(fields, 'e'));
      } catch (error) {
        dead.push(deadLetter(ctx, entry, error, group, 0));
        acks.push(id);
        continue;
      }
      if (type !== '*' && envelope.type !== type) {
        acks.push(id);
        continue;
      }
      if (attempt >= ctx.maxAttempts) {
        const error = new Error(`delivered ${attempt} times to consumers that never acked it`);
        dead.push(deadLetter(ctx, entry, error, group, attempt));
        acks.push(id);
        continue;
      }
      for (;;) {
        attempt++;
        try {
          // Decoded again per attempt: a schema may transform the data in place.
          await handle(attempt === 1 ? envelope : decodeEnvelope(field(fields, 'e')));
          acks.push(id);
          break;
        } catch (error) {
          if (isPermanent(error) || attempt >= ctx.maxAttempts) {
            dead.push(deadLetter(ctx, entry, error, group, attempt));
            acks.push(id);
            break;
          }
          // Closing: leave it pending; this consumer (or another) takes it up again later.
          if (stopping) break;
          await sleep(backoffDelay(ctx.backoff, attempt), abort.signal, ctx.clock).catch(() => undefined);
          if (stopping) break;
        }
      }
    }
    if (dead.length === 0) {
      if (acks.length > 0) await redis.xack(stream, groupName, ...acks);
      return;
    }
    // A dead letter and the ack of its entry go together, or not at all.
    const tx = redis.multi();
    for (const d of dead) tx.xadd(...(d.args as [string, string]));
    if (acks.length > 0) tx.xack(stream, groupName, ...acks);
    const results = await tx.exec();
    if (results?.every(([error]) => !error)) for (const d of dead) d.report();
  }

  async function run(): Promise<void> {
    let cursor = '0-0';
    let nextClaim = 0;
    let failures = 0;
    const claimEvery = Math.max(50, Math.floor(ctx.claimIdleMs / 2));
    while (!stopping) {
      try {
        if (ctx.clock.now() >= nextClaim) {
          const [next, claimed] = (await redis.xautoclaim(
            stream,
            groupName,
            consumer,
            ctx.claimIdleMs,
            cursor,
            'COUNT',
            ctx.batchSize,
          )) as [string, StreamEntry[]];
          cursor = next;
          nextClaim = cursor === '0-0' ? ctx.clock.now() + claimEvery : 0;
          if (claimed.length > 0) await processBatch(claimed, true);
          continue;
        }
        const own = recover;
        blocked = !own;
        const block = own ? [] : ['BLOCK', String(Math.min(ctx.blockMs, claimEvery))];
        const reply = (await reader.xreadgroup(
          'GROUP',
          groupName,
          consumer,
          'COUNT',
          ctx.batchSize,
          ...(block as []),
          'STREAMS',
          stream,
          own ? '0' : '>',
        )) as XRead;
        blocked = false;
        const entries = reply?.[0]?.[1] ?? [];
        if (own && entries.length === 0) recover = false;
        if (entries.length > 0) await processBatch(entries, own);
        failures = 0;
      } catch (error) {
        blocked = false;
        if (stopping) break;
        failures++;
        ctx.logger?.warn({ stream, group: groupName, error: errorInfo(error) }, 'bus group read failed; retrying');
        if (String((error as Error)?.message).includes('NOGROUP')) await createGroup().catch(() => undefined);
        recover = true;
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
      if (blocked && readerId !== undefined) await redis.call('CLIENT', 'UNBLOCK', String(readerId)).catch(() => 0);
      await done;
      reader.disconnect();
    },
  };
}
