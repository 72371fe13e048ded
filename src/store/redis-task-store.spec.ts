import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../tasks/task-errors';
import { RedisTaskStore } from './redis-task-store';
import { aNewTask, describeTaskStoreContract } from './task-store.contract';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefixes: string[] = [];

/** Each test gets its own key prefix, removed afterwards, so the suite shares Redis with anything. */
function openStore(): RedisTaskStore {
  const prefix = `ntr-test-${randomUUID()}`;
  prefixes.push(prefix);
  return new RedisTaskStore(new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }), prefix);
}

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

describeTaskStoreContract('RedisTaskStore', async () => openStore());

describe('RedisTaskStore', () => {
  it('answers StoreUnavailableError at once when Redis cannot be reached', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    const store = new RedisTaskStore(unreachable, 'ntr-unreachable');
    const started = Date.now();
    await expect(store.get(randomUUID())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
    await store.close();
  });

  it('leaves no index entry behind when a finished task is pruned', async () => {
    const store = openStore();
    const task = (await store.insert(aNewTask()))!;
    await store.transition(task.task_id, ['queued'], 'cancelled', { finished_at: '2026-01-01T00:00:00.000Z' });
    expect(await store.pruneFinished('2026-02-01T00:00:00.000Z')).toBe(1);
    const redis = new Redis(REDIS_URL);
    const left = await redis.keys(`${prefixes[prefixes.length - 1]}:*`);
    expect(left.filter((key) => !key.endsWith(':seq'))).toEqual([]);
    redis.disconnect();
    await store.close();
  });
});
