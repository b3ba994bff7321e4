import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deadQueueName, listDeadLetters, putDeadLetter, retryDeadLetter } from '../../src/queue/bullmq/dead-letters.js';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { deletePrefix, redisClient } from './redis-cleanup.js';

const retention = { removeOnComplete: { count: 10 }, removeOnFail: { count: 10 } };

await describeWithService('redis', 'bullmqDriver dead letters', () => {
  let redis: Redis;
  const prefix = uniquePrefix('qdead');
  let n = 0;
  const queues: Queue[] = [];
  beforeAll(() => {
    redis = redisClient();
  });
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await deletePrefix(redis, prefix);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
    await redis.quit();
  });

  function pair() {
    const name = `voice_tasks_${n++}`;
    const main = new Queue(name, { connection: redis, prefix });
    const dlq = new Queue(deadQueueName(name), { connection: redis, prefix });
    queues.push(main, dlq);
    return { main, dlq };
  }

  it('replaces the letter of a job dead-lettered again instead of keeping the old one', async () => {
    const { main, dlq } = pair();
    const job = await main.add('voice_tasks', { payload: { callId: 'c_1' } }, { jobId: 'call-c_1' });
    await putDeadLetter(dlq, job, new Error('first failure'), 1);
    await putDeadLetter(dlq, job, new Error('second failure'), 1);
    const letters = await listDeadLetters(dlq, 10);
    expect(letters.map((l) => [l.id, l.error.message])).toEqual([['call-c_1', 'second failure']]);
  });

  it('keeps the newest letters past the limit, dropping the oldest first', async () => {
    const { main, dlq } = pair();
    for (const callId of ['a', 'b', 'c', 'd']) {
      const job = await main.add('voice_tasks', { payload: { callId } }, { jobId: `call-${callId}` });
      await putDeadLetter(dlq, job, new Error(`refused ${callId}`), 1, 2);
    }
    // A letter replaced in place does not count twice.
    const b = await main.getJob('call-c');
    await putDeadLetter(dlq, b as NonNullable<typeof b>, new Error('refused c again'), 1, 2);
    const letters = await listDeadLetters(dlq, 10);
    expect(letters.map((l) => [l.id, l.error.message])).toEqual([
      ['call-c', 'refused c again'],
      ['call-d', 'refused d'],
    ]);
    expect(await dlq.getJob('call-a')).toBeUndefined();
  });

  it('keeps the new letter of a retried job that failed for good again before the retry removed the old one', async () => {
    const { main, dlq } = pair();
    const job = await main.add('voice_tasks', { payload: { callId: 'c_2' } }, { jobId: 'call-c_2' });
    await putDeadLetter(dlq, job, new Error('first failure'), 1);
    // The retry reads the letter, re-queues the job, and only then removes the letter. Here the
    // re-queued job fails for good in between: its new letter lands before the removal.
    const getJob = main.getJob.bind(main);
    main.getJob = async (id: string) => {
      const found = await getJob(id);
      await putDeadLetter(dlq, job, new Error('failed again after the retry'), 1);
      return found;
    };
    await retryDeadLetter(main, dlq, 'call-c_2', retention);
    const letters = await listDeadLetters(dlq, 10);
    expect(letters.map((l) => [l.id, l.error.message])).toEqual([['call-c_2', 'failed again after the retry']]);
  });

  it('removes the letter it retried, and serves letters of BullMQ-assigned (integer) ids', async () => {
    const { main, dlq } = pair();
    const job = await main.add('voice_tasks', { payload: { callId: 'c_3' } });
    expect(job.id).toMatch(/^\d+$/);
    await putDeadLetter(dlq, job, new Error('refused'), 1);
    expect((await listDeadLetters(dlq, 10)).map((l) => l.id)).toEqual([job.id]);
    await retryDeadLetter(main, dlq, job.id as string, retention);
    expect(await listDeadLetters(dlq, 10)).toEqual([]);
    expect(await dlq.getJobCountByTypes('waiting', 'paused')).toBe(0);
  });
});
