import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, it } from 'vitest';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { exclusiveNats, shareNats } from './fixtures/nats-lock.js';
import { disrupted, exchange, killConsumer } from './fixtures/scenarios.js';

const START = [
  '--start',
  '--oknodo',
  '--background',
  '--exec',
  '/usr/sbin/nats-server',
  '--',
  '-a',
  '127.0.0.1',
  '-p',
  '4222',
  '-js',
  '-sd',
  '/var/lib/nats-server',
  '-l',
  '/var/log/nats-server.log',
];

function answers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 4222 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(up: boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await answers()) !== up) {
    if (Date.now() > end) throw new Error(`nats-server did not ${up ? 'start' : 'stop'} in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the server the way CI does (a no-op when it runs) and waits until it answers. */
async function ensureNatsRunning(): Promise<void> {
  execFileSync('start-stop-daemon', START, { stdio: 'ignore' });
  await waitFor(true);
}

// Registered before the reachability check: a server restart by another suite is waited out.
const releaseNats = await shareNats();
afterAll(releaseNats);

await describeWithService('nats', 'nats transport across processes', () => {
  let nc: NatsConnection;
  const streams: string[] = [];
  const prefix = (label: string) => {
    const p = uniquePrefix(label).replace(/[^A-Za-z0-9_-]/g, '_');
    streams.push(p, `${p}_DEAD`);
    return p;
  };
  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222', maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  });
  afterAll(async () => {
    await ensureNatsRunning();
    const jsm = await nc.jetstreamManager();
    for (const s of streams) await jsm.streams.delete(s).catch(() => false);
    await nc.close();
  });
  const fast = { ackWaitMs: 1000 };
  // No process dies here: a long ack wait keeps a stalled (loaded) machine from redelivering.
  const steady = { ackWaitMs: 30_000 };

  it('2 processes exchange 10,000 events: all to every broadcast subscriber, one group member each', async () => {
    await exchange('nats', prefix('nx2'), 2, 10_000, steady);
  }, 120_000);

  it('3 processes exchange 10,000 events', async () => {
    await exchange('nats', prefix('nx3'), 3, 10_000, steady);
  }, 120_000);

  it('a SIGKILLed consumer’s unacked messages are redelivered to another member', async () => {
    await killConsumer('nats', prefix('nkill'), 500, { ...fast, batchSize: 20 });
  }, 120_000);

  it('restarting the NATS server: clients reconnect, no acknowledged publish is lost', async () => {
    // Other NATS suites of this run wait while the server restarts (and this waits for them).
    await exclusiveNats(async () => {
      try {
        await disrupted('nats', prefix('nrestart'), 2000, fast, async () => {
          execFileSync('start-stop-daemon', ['--stop', '--exec', '/usr/sbin/nats-server', '--retry', '10'], {
            stdio: 'ignore',
          });
          await waitFor(false);
          await new Promise((resolve) => setTimeout(resolve, 500));
          await ensureNatsRunning();
        });
      } finally {
        await ensureNatsRunning();
      }
    });
  }, 120_000);
});
