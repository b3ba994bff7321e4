import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JsMsg, nanos } from 'nats';
import { errorInfo } from '../../internal/error-info.js';
import { backoffDelay } from '../../policies/backoff.js';
import type { Envelope } from '../types.js';
import { decodeEnvelope, isPermanent, retryPause } from '../wire.js';
import { deadLetter, durableName, type NatsContext, ORIGIN } from './context.js';

type Loop = { started: Promise<void>; stop(): Promise<void> };
const decoder = new TextDecoder();

/** A setup run now (`first`) and, once it failed, again by `retry()` until it succeeds. */
function once(setup: () => Promise<void>): { first: Promise<void>; retry(): Promise<void> } {
  let current: Promise<void> | undefined;
  const retry = () =>
    (current ??= setup().catch((error: unknown) => {
      current = undefined;
      throw error;
    }));
  return { first: retry(), retry };
}

/**
 * Runs `consume` until stopped, opening the message iterator again whenever it ends with an
 * error (server restart, deleted consumer), and waits for the message in hand on stop.
 */
function supervise(
  ctx: NatsContext,
  open: () => Promise<ConsumerMessages>,
  each: (m: JsMsg) => Promise<void>,
  started: Promise<void>,
): Loop {
  const abort = new AbortController();
  let stopping = false;
  let current: ConsumerMessages | undefined;
  const run = async () => {
    let failures = 0;
    while (!stopping) {
      try {
        current = await open();
        if (stopping) current.stop();
        for await (const m of current) {
          failures = 0;
          await each(m);
        }
        if (stopping) break;
      } catch (error) {
        if (stopping) break;
        ctx.logger?.warn({ stream: ctx.stream, error: errorInfo(error) }, 'bus consumer failed; reopening');
      }
      failures++;
      await retryPause(failures, abort.signal, ctx.clock);
    }
  };
  // Runs even when the setup failed: `open` retries it, with the loop's backoff.
  const done = started.then(run, run);
  done.catch(() => undefined);
  return {
    started,
    async stop() {
      stopping = true;
      abort.abort();
      // Buffered messages are still handed out (and acked) before the iterator ends.
      current?.stop();
      await done.catch(() => undefined);
    },
  };
}

/** A member of a work-sharing group: a durable pull consumer with explicit acks. */
export function natsGroup(
  ctx: NatsContext,
  streams: () => Promise<void>,
  group: string,
  type: string,
  filter: string,
  handle: (envelope: Envelope) => Promise<void>,
): Loop {
  const durable = durableName(group, type);
  const started = once(() =>
    streams().then(async () => {
      const jsm = await ctx.nc.jetstreamManager();
      let existing: Awaited<ReturnType<typeof jsm.consumers.info>> | undefined;
      try {
        existing = await jsm.consumers.info(ctx.stream, durable);
      } catch {
        existing = undefined;
      }
      if (existing) {
        // Created by an earlier run: keep its position, bring the ack wait in line with the options.
        if (existing.config.ack_wait !== nanos(ctx.ackWaitMs)) {
          await jsm.consumers
            .update(ctx.stream, durable, { ack_wait: nanos(ctx.ackWaitMs) })
            .catch((error: unknown) => {
              ctx.logger?.warn({ durable, error: errorInfo(error) }, 'bus consumer ack wait not updated');
            });
        }
      } else {
        await jsm.consumers.add(ctx.stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.New,
          filter_subject: filter,
          ack_wait: nanos(ctx.ackWaitMs),
          max_ack_pending: Math.max(1000, ctx.batchSize * 10),
        });
      }
    }),
  );
  const open = async () => {
    await started.retry();
    return (await ctx.js.consumers.get(ctx.stream, durable)).consume({ max_messages: ctx.batchSize });
  };
  return supervise(
    ctx,
    open,
    async (m) => {
      try {
        await handle(decodeEnvelope(decoder.decode(m.data)));
        m.ack();
      } catch (error) {
        // Parsed from the reply subject: only read when needed.
        const attempt = m.info.redeliveryCount;
        if (!isPermanent(error) && attempt < ctx.maxAttempts) {
          m.nak(backoffDelay(ctx.backoff, attempt));
          return;
        }
        try {
          await deadLetter(ctx, m, error, group, attempt);
          m.term();
        } catch {
          m.nak(backoffDelay(ctx.backoff, attempt)); // dead letter not stored: keep the message
        }
      }
    },
    started.first,
  );
}

/** A broadcast follower: an ordered consumer from the stream's end, skipping this transport's own envelopes. */
export function natsBroadcast(
  ctx: NatsContext,
  streams: () => Promise<void>,
  filter: string,
  handle: (envelope: Envelope) => Promise<void>,
): Loop {
  let startSeq = 1;
  const started = once(() =>
    streams().then(async () => {
      const jsm = await ctx.nc.jetstreamManager();
      startSeq = (await jsm.streams.info(ctx.stream)).state.last_seq + 1;
    }),
  );
  const open = () =>
    started
      .retry()
      .then(() =>
        ctx.js.consumers.get(ctx.stream, {
          filterSubjects: filter,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: startSeq,
        }),
      )
      .then((c) => c.consume({ max_messages: ctx.batchSize }));
  return supervise(
    ctx,
    open,
    async (m) => {
      startSeq = m.seq + 1;
      if (m.headers?.get(ORIGIN) === ctx.origin) return;
      try {
        await handle(decodeEnvelope(decoder.decode(m.data)));
      } catch (error) {
        await deadLetter(ctx, m, error, undefined, 1).catch((e: unknown) =>
          ctx.logger?.error({ stream: ctx.stream, error: errorInfo(e) }, 'bus dead letter not stored'),
        );
      }
    },
    started.first,
  );
}
