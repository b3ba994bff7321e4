// A worker process for the queue scale-out benchmark: consumes `voice_tasks` on the BullMQ
// driver with I/O-bound jobs (each waits JOB_MS) and counts completions in Redis.
import { Redis } from 'ioredis';
import { bullmqDriver } from '../src/queue/bullmq/index.js';
import { createQueue } from '../src/queue/index.js';

const prefix = process.env.QUEUE_PREFIX as string;
const jobMs = Number(process.env.JOB_MS ?? 5);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = createQueue<{ voice_tasks: { n: number } }>({ driver: bullmqDriver({ connection: redis, prefix }) });
await queue.process(
  'voice_tasks',
  async () => {
    await new Promise((r) => setTimeout(r, jobMs));
    await redis.incr(`${prefix}:done`);
  },
  { concurrency: Number(process.env.CONCURRENCY ?? 1) },
);
process.send?.('ready');
process.on('message', async (message) => {
  if (message === 'close') {
    await queue.close({ drain: true });
    await redis.quit();
    process.exit(0);
  }
});
