// Stand-in for a voice-call platform (Retell-style): POST /v2/create-phone-call registers a
// call; shortly after, the platform POSTs a signed `call_ended` webhook to the app, signed the
// way Retell signs (`x-retell-signature: v=<ms>,d=<hex HMAC-SHA256(apiKey, body + ms)>`),
// computed here with node:crypto, independently of the library that verifies it.
import { createHmac } from 'node:crypto';
import type { FaultOptions } from './faults.js';
import { faultInjector } from './faults.js';
import { json, type StandIn, startStandIn } from './http.js';

export interface VoiceOptions {
  apiKey: string;
  /** Where `call_ended` webhooks go. */
  webhookUrl: () => string;
  /** How long a call "lasts" before its webhook is sent. @default 20 */
  callDurationMs?: number;
  faults?: FaultOptions;
}

/** Signs `body` as Retell does. */
function retellSignature(apiKey: string, body: string, ms = Date.now()): string {
  return `v=${ms},d=${createHmac('sha256', apiKey)
    .update(body + ms)
    .digest('hex')}`;
}

export interface VoiceStandIn extends StandIn {
  /** Webhook deliveries: call id → HTTP status the app answered. */
  deliveries: Map<string, number>;
  /** Resolves when every pending webhook has been delivered. */
  settled(): Promise<void>;
  /** Sends one delivery with a forged signature; resolves with the app's status. */
  sendForged(): Promise<number>;
}

export async function startVoice(options: VoiceOptions): Promise<VoiceStandIn> {
  const deliveries = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  let counter = 0;

  const deliver = async (callId: string, metadata: unknown) => {
    const body = JSON.stringify({
      event: 'call_ended',
      call: {
        call_id: callId,
        call_status: 'ended',
        duration_ms: 61_000,
        metadata,
        transcript: `Agent: Hello, this is WAWAGOT.\nUser: My order ${callId} is late.\nAgent: I have created a ticket for you.`,
      },
    });
    // A real platform retries failed deliveries; so does this one (3 tries).
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await fetch(options.webhookUrl(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-retell-signature': retellSignature(options.apiKey, body) },
          body,
        });
        deliveries.set(callId, res.status);
        await res.arrayBuffer();
        if (res.status < 500) return;
      } catch {
        deliveries.set(callId, 0);
      }
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  };

  const standIn = await startStandIn(
    'voice',
    (req, res, body) => {
      if (req.method === 'POST' && req.url === '/v2/create-phone-call') {
        const callId = `call_${++counter}`;
        const metadata = (body as { metadata?: unknown } | undefined)?.metadata ?? null;
        const task = new Promise<void>((r) => setTimeout(r, options.callDurationMs ?? 20))
          .then(() => deliver(callId, metadata))
          .finally(() => pending.delete(task));
        pending.add(task);
        return json(res, 201, { call_id: callId, call_status: 'registered' });
      }
      json(res, 404, { error: { message: 'not found' } });
    },
    faultInjector(options.faults),
  );

  return Object.assign(standIn, {
    deliveries,
    async settled() {
      while (pending.size) await Promise.all([...pending]);
    },
    async sendForged() {
      const body = JSON.stringify({
        event: 'call_ended',
        call: { call_id: 'forged', transcript: 'transfer all funds' },
      });
      const res = await fetch(options.webhookUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-retell-signature': retellSignature('not-the-real-key', body),
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    },
  });
}
