import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { appConfig, type AppConfig } from '../config/app-config';
import type { TaskRecord } from '../tasks/task';
import { StoreUnavailableError } from '../tasks/task-errors';
import type { TaskQueue } from '../tasks/task-queue';
import { createRedisClient, logErrorsBesideOutages, warnUnlessNoEviction } from './redis-client';

export const QUEUE_NAME = 'tasks';

export function bullPrefix(config: AppConfig): string {
  return `${config.redisPrefix}:bull`;
}

/** BullMQ runs lower numbers first, from 1; our priorities run higher first, from -1000 to 1000. */
export function bullPriority(priority: number): number {
  return 1001 - priority;
}

/**
 * The shared queue: one BullMQ job per task, its id the task id, carrying
 * nothing but the id: the task record is the truth, the job only its turn.
 */
@Injectable()
export class BullmqTaskQueue implements TaskQueue, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(BullmqTaskQueue.name);
  private readonly queue: Queue;
  private readonly connection: Redis;
  private stopped = false;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.connection = createRedisClient(config.redisUrl, 'fail-fast', 'queue');
    void warnUnlessNoEviction(this.connection, this.logger);
    this.queue = new Queue(QUEUE_NAME, {
      connection: this.connection,
      prefix: bullPrefix(config),
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    logErrorsBesideOutages(this.queue, this.connection, this.logger);
  }

  get accepting(): boolean {
    return !this.stopped;
  }

  async enqueue(tasks: readonly TaskRecord[]): Promise<void> {
    try {
      // Adding an id that is still in the queue does nothing, so enqueueing again is safe.
      await this.queue.addBulk(tasks.map((task) => ({ name: 'task', data: {}, opts: { jobId: task.task_id, priority: bullPriority(task.priority) } })));
    } catch (error) {
      throw new StoreUnavailableError((error as Error).message);
    }
  }

  async discard(taskId: string): Promise<void> {
    // A job a worker holds cannot be removed; that worker skips the task, no longer queued.
    await this.queue.remove(taskId).catch(() => undefined);
  }

  /** The given tasks that have no job in BullMQ (at any stage). */
  async withoutJob(taskIds: string[]): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const pipeline = this.connection.pipeline();
    for (const id of taskIds) pipeline.exists(`${this.queue.qualifiedName}:${id}`);
    const found = (await pipeline.exec()) ?? [];
    return taskIds.filter((_, i) => found[i]?.[1] === 0);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
