import { headers, type JetStreamClient, type JsMsg, type MsgHdrs, type NatsConnection, StorageType } from 'nats';
import { IntegrationError } from '../../errors/integration-error.js';
import { errorInfo } from '../../internal/error-info.js';
import { sleep } from '../../internal/sleep.js';
import type { TransportCommon } from '../transport-options.js';
import { peek } from '../wire.js';

/** What the consumers of one NATS transport share. */
export interface NatsContext extends TransportCommon {
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  prefix: string;
  deadStream: string;
  deadPrefix: string;
  ackWaitMs: number;
  batchSize: number;
  publishTimeoutMs: number;
}

/** Header carrying the publishing transport, so broadcast can skip its own envelopes. */
export const ORIGIN = 'Wawagot-Origin';
const encoder = new TextEncoder();

/** `${prefix}.${type}`, refusing types that are not valid subject tokens. */
export function subjectOf(prefix: string, type: string): string {
  if (!/^[^\s.*>]+(\.[^\s.*>]+)*$/.test(type)) {
    throw new IntegrationError(`event type "${type.slice(0, 100)}" is not usable as a NATS subject`, {
      code: 'CONFIG',
    });
  }
  return `${prefix}.${type}`;
}

/** A durable consumer name for a group and type; readable, and distinct for distinct pairs. */
export function durableName(group: string, type: string): string {
  const token = type === '*' ? 'all' : type.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
  return `${group}-${token}`;
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: string; api_error?: { err_code?: number }; message?: string };
  return e?.code === '404' || e?.api_error?.err_code === 10059 || /not found/i.test(String(e?.message));
}

/** Creates the envelope and dead-letter streams when they do not exist yet. */
export async function ensureStreams(ctx: NatsContext): Promise<void> {
  const jsm = await ctx.nc.jetstreamManager();
  for (const [name, subject] of [
    [ctx.stream, `${ctx.prefix}.>`],
    [ctx.deadStream, `${ctx.deadPrefix}.>`],
  ] as const) {
    try {
      await jsm.streams.info(name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File }).catch((e: unknown) => {
        // Another process created it meanwhile.
        if (!/already in use|exists/i.test(String((e as Error)?.message))) throw e;
      });
    }
  }
}

/**
 * JetStream publish with `Nats-Msg-Id`, retried with the same id until `publishTimeoutMs`
 * while the server is unreachable or restarting: the duplicate window makes retries safe.
 */
export async function publishWithRetry(
  ctx: NatsContext,
  subject: string,
  data: string,
  msgID: string,
  extra?: MsgHdrs,
): Promise<void> {
  const h = extra ?? headers();
  h.set(ORIGIN, ctx.origin);
  const payload = encoder.encode(data);
  const deadline = ctx.clock.now() + ctx.publishTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const left = deadline - ctx.clock.now();
      await ctx.js.publish(subject, payload, { msgID, headers: h, timeout: Math.max(500, Math.min(5000, left)) });
      return;
    } catch (error) {
      if (ctx.nc.isClosed() || ctx.clock.now() >= deadline) {
        throw new IntegrationError(`the broker did not accept the "${subject}" event`, {
          code: 'NETWORK',
          retryable: true,
          cause: error,
        });
      }
      ctx.logger?.warn({ subject, attempt, error: errorInfo(error) }, 'bus publish failed; retrying');
      await sleep(Math.min(1000, 50 * 2 ** attempt), undefined, ctx.clock);
    }
  }
}

/** Parks a message in the dead-letter stream with its error; resolves once stored. */
export async function deadLetter(
  ctx: NatsContext,
  m: JsMsg,
  error: unknown,
  group: string | undefined,
  attempts: number,
): Promise<void> {
  const info = errorInfo(error);
  const h = headers();
  h.set('Wawagot-Error', JSON.stringify(info));
  h.set('Wawagot-Group', group ?? '');
  h.set('Wawagot-Attempts', String(attempts));
  h.set('Wawagot-Stream-Seq', String(m.seq));
  const suffix = m.subject.startsWith(`${ctx.prefix}.`) ? m.subject.slice(ctx.prefix.length + 1) : 'unknown';
  const body = new TextDecoder().decode(m.data);
  await publishWithRetry(ctx, `${ctx.deadPrefix}.${suffix}`, body, `dead-${ctx.stream}-${m.seq}-${group ?? ''}`, h);
  ctx.reportDead({ ...peek(body), group, attempts, error: info });
}
