import { errorInfo } from '../../internal/error-info.js';
import { sleep } from '../../internal/sleep.js';
import { backoffDelay } from '../../policies/backoff.js';
import type { Envelope } from '../types.js';
import { decodeEnvelope, isPermanent, retryPause } from '../wire.js';
import { deadLetter, type Entry, entries, type RawEntry, type RedisContext, readerConnection } from './context.js';

type XRead = Array<[stream: Buffer, entries: RawEntry[]]> | null;

/**
 * One member of the Redis consumer group `groupName` (the bus group `group` for `type`): reads
 * with `XREADGROUP`, runs `handle` for each entry of `type` (with retries), then acks the batch
 * with one `XACK` before reading again; a batch with failures is acked together with their dead
 * letters in one `MULTI`. Pending entries of consumers idle for `claimIdleMs` are taken over with
 * `XAUTOCLAIM`; after a reconnect its own pending entries are read again first, so a reply lost
 * with the connection never strands an entry.
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

  /**
   * Handles a batch; returns the ids to ack, or none once a `MULTI` has acked them together with
   * dead letters.
   */
  async function processBatch(batch: Entry[], redelivered: boolean): Promise<string[]> {
    const acks: string[] = [];
    const dead: Array<ReturnType<typeof deadLetter>> = [];
    let previous: Map<string, number> | undefined;
    if (redelivered) {
      const first = batch[0]?.[0] as string;
      const last = batch[batch.length - 1]?.[0] as string;
      const rows = (await redis.xpending(stream, groupName, first, last, batch.length, consumer)) as Array<
        [string, string, number, number]
      >;
      // XAUTOCLAIM and re-reading the own history count deliveries: the earlier ones never acked
      // (a poison event that crashes its process each time ends in the dead letters).
      previous = new Map(rows.map((r) => [r[0], Math.max(0, Number(r[3]) - 1)]));
    }
    for (const entry of batch) {
      const [id, json] = entry;
      if (json === null) {
        acks.push(id); // trimmed away before anyone handled it
        continue;
      }
      let attempt = previous?.get(id) ?? 0;
      let envelope: Envelope;
      try {
        envelope = decodeEnvelope(json);
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
          await handle(attempt === 1 ? envelope : decodeEnvelope(json));
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
    if (dead.length === 0) return acks;
    // A dead letter and the ack of its entry go together, or not at all.
    const tx = redis.multi();
    for (const d of dead) tx.xadd(...(d.args as [string, string]));
    if (acks.length > 0) tx.xack(stream, groupName, ...acks);
    const results = await tx.exec();
    if (results?.every(([error]) => !error)) for (const d of dead) d.report();
    return [];
  }

  async function run(): Promise<void> {
    let cursor = '0-0';
    let nextClaim = 0;
    let failures = 0;
    const claimEvery = Math.max(50, Math.floor(ctx.claimIdleMs / 2));
    const count = ctx.batchSize;
    // Own pending entries first (no blocking), then new ones.
    const readOwn = ['GROUP', groupName, consumer, 'COUNT', count, 'STREAMS', stream, '0'];
    const block = Math.min(ctx.blockMs, claimEvery);
    const readNew = ['GROUP', groupName, consumer, 'COUNT', count, 'BLOCK', block, 'STREAMS', stream, '>'];
    // Ids handled but not acked yet, acked before the next read or claim (and on stop). A failed
    // XACK keeps them for the next try: the entries stay pending meanwhile, and are not handled
    // again once it passes.
    let acks: string[] = [];
    const ack = async () => {
      if (acks.length === 0) return;
      await redis.xack(stream, groupName, ...acks);
      acks = [];
    };
    while (!stopping) {
      try {
        if (acks.length > 0) await ack();
        if (ctx.clock.now() >= nextClaim) {
          const [next, claimed] = (await redis.callBuffer(
            'XAUTOCLAIM',
            stream,
            groupName,
            consumer,
            ctx.claimIdleMs,
            cursor,
            'COUNT',
            count,
          )) as [Buffer, RawEntry[]];
          cursor = String(next);
          nextClaim = cursor === '0-0' ? ctx.clock.now() + claimEvery : 0;
          if (claimed.length > 0) acks = await processBatch(entries(claimed), true);
          continue;
        }
        const own = recover;
        blocked = !own;
        const reply = (await reader.callBuffer('XREADGROUP', own ? readOwn : readNew)) as XRead;
        blocked = false;
        const batch = entries(reply?.[0]?.[1]);
        if (own && batch.length === 0) recover = false;
        if (batch.length > 0) acks = await processBatch(batch, own);
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
    // Not acked (the connection is gone): they stay pending and are delivered again later.
    await ack().catch(() => undefined);
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
