import { Redis } from 'ioredis';
import { afterAll, it } from 'vitest';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { runnerToSseAcrossProcesses } from './fixtures/realtime-scenario.js';

await describeWithService('redis', 'workflow runner → realtime hub across processes (Redis)', () => {
  const stream = uniquePrefix('xproc');
  afterAll(async () => {
    const redis = new Redis();
    await redis.del(stream, `${stream}:dead`);
    redis.disconnect();
  });

  it('a runner in process A feeds an SSE client of a hub in process B', async () => {
    await runnerToSseAcrossProcesses('redis', stream);
  }, 60_000);
});
