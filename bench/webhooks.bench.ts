// Verifying a 2 KB JSON webhook, same process: each of our schemes against standardwebhooks,
// svix, stripe constructEvent, @octokit/webhooks-methods verify, retell-sdk verify and raw
// node:crypto createHmac + timingSafeEqual. Ratios are speed ratios (peer time / our time):
// above 1 means ours is faster.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { verify as retellVerify } from 'retell-sdk';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { forceWebCrypto } from '../src/webhooks/hmac.js';
import {
  github,
  hmac,
  retell,
  shopify,
  signWebhook,
  slack,
  standardWebhooks,
  stripe,
  verifyWebhook,
  type WebhookScheme,
} from '../src/webhooks/index.js';
import { markdownTable, recordResults } from './results.js';

// A Retell-style call event of exactly 2,048 bytes of JSON.
const event = (words: number) =>
  JSON.stringify({
    event: 'call_ended',
    call: {
      call_id: 'call_8f2a1c9d0b7e4a3f',
      agent_id: 'agent_3c5d7e9f',
      call_status: 'ended',
      start_timestamp: 1_764_195_000_000,
      end_timestamp: 1_764_195_093_000,
      disconnection_reason: 'user_hangup',
      transcript: 'Agent: hello, how can I help you today? User: I would like to book a table. '
        .repeat(40)
        .slice(0, words),
      metadata: { customer_id: 'cus_42', campaign: 'spring' },
    },
  });
let fill = 0;
while (event(fill + 1).length <= 2048) fill++;
const data = event(fill);
const SECRET = 'bench-secret-0123456789abcdef';
const WHSEC = `whsec_${btoa(SECRET)}`;

// Peers.
const std = new StandardWebhook(WHSEC);
const svix = new SvixWebhook(WHSEC);
const stripeClient = new Stripe('sk_test_bench');
const now = new Date();
const stdHeaders = {
  'webhook-id': 'msg_1',
  'webhook-timestamp': String(Math.floor(+now / 1000)),
  'webhook-signature': std.sign('msg_1', now, data),
};
const svixHeaders = {
  'svix-id': 'msg_1',
  'svix-timestamp': stdHeaders['webhook-timestamp'],
  'svix-signature': stdHeaders['webhook-signature'],
};
const stripeHeader = stripeClient.webhooks.generateTestHeaderString({ payload: data, secret: SECRET });
const octokitSignature = await octokitSign(SECRET, data);
const rawSignature = createHmac('sha256', SECRET).update(data).digest('hex');
const rawKey = Buffer.from(SECRET);
// Bodies arrive as bytes: ours and raw node:crypto get the bytes, the peers their documented string.
const bytes = new TextEncoder().encode(data);

// Ours.
const schemes: Record<string, { scheme: WebhookScheme; official?: string }> = {
  standardWebhooks: { scheme: standardWebhooks({ secret: WHSEC }), official: 'standardwebhooks' },
  stripe: { scheme: stripe({ secret: SECRET }), official: 'stripe constructEvent' },
  github: { scheme: github({ secret: SECRET }), official: 'octokit verify' },
  shopify: { scheme: shopify({ secret: SECRET }) },
  slack: { scheme: slack({ signingSecret: SECRET }) },
  retell: { scheme: retell({ apiKey: SECRET }), official: 'retell-sdk verify' },
  hmac: { scheme: hmac({ header: 'x-signature', prefix: 'sha256=', secret: SECRET }) },
};
const signed: Record<string, Record<string, string>> = {};
for (const [name, { scheme }] of Object.entries(schemes))
  signed[name] = await signWebhook(data, scheme, { id: 'msg_1' });

let sink: unknown;
// `payload`: read the verified delivery's payload after awaiting it (no extra async wrapper).
type Task = { name: string; fn: () => unknown; payload?: boolean };
const tasks: Task[] = [
  {
    name: 'raw node:crypto',
    fn: () => timingSafeEqual(createHmac('sha256', rawKey).update(bytes).digest(), Buffer.from(rawSignature, 'hex')),
  },
  { name: 'standardwebhooks', fn: () => std.verify(data, stdHeaders) },
  { name: 'svix', fn: () => svix.verify(data, svixHeaders) },
  { name: 'stripe constructEvent', fn: () => stripeClient.webhooks.constructEvent(data, stripeHeader, SECRET) },
  { name: 'octokit verify', fn: () => octokitVerify(SECRET, data, octokitSignature) },
  { name: 'retell-sdk verify', fn: () => retellVerify(data, SECRET, signed.retell?.['x-retell-signature'] as string) },
];
for (const [name, { scheme }] of Object.entries(schemes)) {
  const input = { body: bytes, headers: signed[name] as Record<string, string> };
  tasks.push({ name: `ours ${name}`, fn: () => verifyWebhook(input, scheme) });
  tasks.push({ name: `ours ${name} + payload`, fn: () => verifyWebhook(input, scheme), payload: true });
}
const webInput = { body: bytes, headers: signed.standardWebhooks as Record<string, string> };
tasks.push({
  name: 'ours standardWebhooks (Web Crypto)',
  fn: () => verifyWebhook(webInput, schemes.standardWebhooks?.scheme as WebhookScheme),
});

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

// Every task is awaited the same way, so the async ones pay no extra harness cost. CPU time of
// the process (all threads, so Web Crypto's thread pool counts) rather than wall time: the
// machine is shared and wall time measures the neighbours too.
async function timeTask(task: Task, ms: number): Promise<number> {
  forceWebCrypto(task.name.includes('Web Crypto'));
  let n = 0;
  const start = cpuMs();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 200; i++) {
      const result = await task.fn();
      sink = task.payload ? (result as { payload: unknown }).payload : result;
    }
    n += 200;
    now = cpuMs();
  }
  forceWebCrypto(false);
  return ((now - start) * 1000) / n; // µs per verify
}

for (const task of tasks) await timeTask(task, 150); // warm-up
const samples = new Map<string, number[]>();
// Interleaved rounds, median per task: the machine is shared, this keeps drift out of ratios.
for (let round = 0; round < 5; round++) {
  for (const task of tasks) {
    (globalThis as { gc?: () => void }).gc?.();
    // A full GC may flush the task's compiled code: re-warm it (untimed) before measuring.
    await timeTask(task, 100);
    const list = samples.get(task.name) ?? [];
    list.push(await timeTask(task, 250));
    samples.set(task.name, list);
  }
}
const median = (name: string) => {
  const list = [...(samples.get(name) ?? [])].sort((a, b) => a - b);
  return list[Math.floor(list.length / 2)] as number;
};
void sink;

const us = (v: number) => `${v.toFixed(2)} µs`;
const ratio = (peer: number, ours: number) => `${(peer / ours).toFixed(2)}×`;
const raw = median('raw node:crypto');
const peers = ['standardwebhooks', 'svix', 'stripe constructEvent', 'octokit verify', 'retell-sdk verify'];

const rows = Object.entries(schemes).map(([name, { official }]) => {
  const plain = median(`ours ${name}`);
  const parsed = median(`ours ${name} + payload`);
  return [
    name,
    us(plain),
    us(parsed),
    ratio(raw, plain),
    ratio(median('standardwebhooks'), parsed),
    ratio(median('svix'), parsed),
    ratio(median('stripe constructEvent'), parsed),
    official
      ? `${official}: ${ratio(median(official), official.includes('stripe') || official === 'standardwebhooks' ? parsed : plain)}`
      : '–',
  ];
});
const table = markdownTable(
  [
    'scheme',
    'ours verify',
    'ours verify + payload',
    'vs raw node:crypto',
    'vs standardwebhooks',
    'vs svix',
    'vs stripe',
    'vs its official library',
  ],
  rows,
);
const peerTable = markdownTable(
  ['library', 'time per verify'],
  [
    ['raw node:crypto createHmac + timingSafeEqual', us(raw)],
    ...peers.map((p) => [p, us(median(p))]),
    ['ours standardWebhooks on Web Crypto', us(median('ours standardWebhooks (Web Crypto)'))],
  ],
);
console.log(table);
console.log();
console.log(peerTable);
recordResults(
  'webhooks',
  `Webhooks: verify a ${data.length}-byte JSON body`,
  `${table}\n\n${peerTable}\n\nMedian of 5 interleaved rounds of process CPU time (each round: full GC, 100 ms untimed warm-up, 250 ms timed), every call awaited. Ours and raw node:crypto get the body as bytes (as read from a request); the peers get the string they document. Ratios are speed ratios (their time / ours); "+ payload" includes JSON.parse of the body, which standardwebhooks, svix and stripe constructEvent also do, so those columns compare against it. On Node the HMAC runs on node:crypto found through process.getBuiltinModule; elsewhere (and in the Web Crypto row) it runs on crypto.subtle.`,
);
