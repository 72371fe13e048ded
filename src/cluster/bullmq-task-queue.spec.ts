import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { loadAppConfig } from '../config/app-config';
import type { TaskRecord } from '../tasks/task';
import { bullPriority, BullmqTaskQueue, QUEUE_NAME } from './bullmq-task-queue';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('BullmqTaskQueue', () => {
  const prefix = `ntr-test-${randomUUID()}`;
  const queue = new BullmqTaskQueue(loadAppConfig({ QUEUE: 'bullmq', REDIS_URL, REDIS_PREFIX: prefix }));

  afterAll(async () => {
    await queue.onApplicationShutdown();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('runs higher priorities first, in BullMQ terms', () => {
    expect([bullPriority(1000), bullPriority(0), bullPriority(-1000)]).toEqual([1, 1001, 2001]);
  });

  it('queues a task once however often it is enqueued, and tells which tasks have no job', async () => {
    const task = { task_id: randomUUID(), priority: 5 } as TaskRecord;
    const batched = { task_id: randomUUID(), priority: 0 } as TaskRecord;
    await queue.enqueue([task]);
    await queue.enqueue([task, batched]);
    const jobs = new Queue(QUEUE_NAME, { connection: { url: REDIS_URL }, prefix: `${prefix}:bull` });
    expect((await jobs.getJob(task.task_id))?.opts.priority).toBe(bullPriority(5));
    expect((await jobs.getJob(batched.task_id))?.opts.priority).toBe(bullPriority(0));
    await jobs.close();
    const other = randomUUID();
    expect(await queue.withoutJob([task.task_id, batched.task_id, other])).toEqual([other]);
    await queue.discard(task.task_id);
    expect(await queue.withoutJob([task.task_id])).toEqual([task.task_id]);
  });
});
