import { connect } from 'nats';
import { afterAll, it } from 'vitest';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { shareNats } from './fixtures/nats-lock.js';
import { runnerToSseAcrossProcesses } from './fixtures/realtime-scenario.js';

// Registered before the reachability check: a server restart by another suite is waited out.
const releaseNats = await shareNats();
afterAll(releaseNats);

await describeWithService('nats', 'workflow runner → realtime hub across processes (NATS)', () => {
  const stream = uniquePrefix('xproc').replace(/[^A-Za-z0-9_-]/g, '_');
  afterAll(async () => {
    const nc = await connect({ servers: '127.0.0.1:4222' });
    const jsm = await nc.jetstreamManager();
    for (const s of [stream, `${stream}_DEAD`]) await jsm.streams.delete(s).catch(() => false);
    await nc.close();
  });

  it('a runner in process A feeds an SSE client of a hub in process B', async () => {
    await runnerToSseAcrossProcesses('nats', stream);
  }, 60_000);
});
