import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { loadAppConfig, type AppConfig } from '../config/app-config';
import { RedisTaskStore } from '../store/redis-task-store';
import type { TaskTypeRegistry } from '../task-types/task-type-registry';
import type { BullmqTaskQueue } from './bullmq-task-queue';
import type { NodeRegistry } from './node-registry';
import { MAX_ATTEMPTS, TaskRecovery } from './task-recovery';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Recovery policy against the real Redis store; the node registry and the queue are stand-ins. */
describe('TaskRecovery', () => {
  const prefix = `ntr-test-${randomUUID()}`;
  const store = new RedisTaskStore(new Redis(REDIS_URL), prefix);
  const config = { ...loadAppConfig({ QUEUE: 'bullmq', REDIS_PREFIX: prefix }), nodeId: 'me' } as AppConfig;
  const alive = new Set(['me', 'alive']);
  let reportingForMs = 60000;
  const nodes = {
    reportingForMs: () => reportingForMs,
    aliveAmong: async (ids: string[]) => new Set(ids.filter((id) => alive.has(id))),
  } as unknown as NodeRegistry;
  const enqueued: string[] = [];
  const jobless = new Set<string>();
  const queue = {
    enqueue: async (tasks: { task_id: string }[]) => void enqueued.push(...tasks.map((t) => t.task_id)),
    withoutJob: async (ids: string[]) => ids.filter((id) => jobless.has(id)),
  } as unknown as BullmqTaskQueue;
  const types = {
    isRetrySafe: (name: string) => name === 'safe',
  } as unknown as TaskTypeRegistry;
  const recovery = new TaskRecovery(config, store, nodes, queue, types);

  async function runningOn(node: string, taskType = 'plain', attempts = 1) {
    const task = (await store.insert({
      task_id: randomUUID(), task_type: taskType, task_data: {}, priority: 0, timeout_ms: 1000, created_at: new Date().toISOString(),
    }))!;
    for (let i = 1; i < attempts; i++) {
      await store.claim(task.task_id);
      await store.transition(task.task_id, ['starting'], 'queued');
    }
    await store.claim(task.task_id, { node });
    return (await store.transition(task.task_id, ['starting'], 'running', { worker: 7, node }))!;
  }

  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await store.close();
  });

  it('interrupts the tasks of a dead node, queues the retry-safe ones again, and leaves live nodes alone', async () => {
    const plain = await runningOn('dead');
    const safe = await runningOn('dead', 'safe');
    const exhausted = await runningOn('dead', 'safe', MAX_ATTEMPTS);
    const elsewhere = await runningOn('alive');
    const mine = await runningOn('me');
    await recovery.sweep();

    expect(await store.get(plain.task_id)).toMatchObject({ status: 'interrupted', error: { code: 'NODE_LOST' } });
    expect(await store.get(safe.task_id)).toMatchObject({ status: 'queued', node: null, worker: null, attempts: 1 });
    expect(await store.get(exhausted.task_id)).toMatchObject({ status: 'interrupted', attempts: MAX_ATTEMPTS });
    expect(enqueued).toEqual([safe.task_id]);
    for (const untouched of [elsewhere, mine]) expect((await store.get(untouched.task_id))!.status).toBe('running');
  });

  it('does nothing until this node has itself reported for a full heartbeat expiry', async () => {
    const task = await runningOn('dead');
    reportingForMs = 1000;
    await recovery.sweep();
    expect((await store.get(task.task_id))!.status).toBe('running');
    reportingForMs = 60000;
    await recovery.sweep();
    expect((await store.get(task.task_id))!.status).toBe('interrupted');
  });

  it('gives a job back to a queued task that has been without one for 30 s', async () => {
    const queued = async (createdAt: number) =>
      (await store.insert({
        task_id: randomUUID(), task_type: 'plain', task_data: {}, priority: 0, timeout_ms: 1000, created_at: new Date(createdAt).toISOString(),
      }))!;
    const lost = await queued(Date.now() - 60000);
    const young = await queued(Date.now());
    const fine = await queued(Date.now() - 60000);
    jobless.add(lost.task_id).add(young.task_id);
    enqueued.length = 0;
    expect(await recovery.requeueLost()).toBe(1);
    expect(enqueued).toEqual([lost.task_id]);
    expect(fine.status).toBe('queued');
  });
});
