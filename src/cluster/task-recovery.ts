import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app-config';
import { TASK_STORE, type TaskStore } from '../store/task-store';
import { ACTIVE_STATUSES, sourcesOf, type TaskRecord } from '../tasks/task';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import { BullmqTaskQueue } from './bullmq-task-queue';
import { NODE_TTL_MS, NodeRegistry } from './node-registry';

const SWEEP_MS = 3000;
/** How often queued tasks are checked for a job, and how old one must be to count as lost. */
const QUEUE_CHECK_EVERY = 10;
const QUEUE_CHECK_AGE_MS = 30000;
const PAGE = 500;
/** A retry-safe task that took this many nodes down with it is not tried again. */
export const MAX_ATTEMPTS = 3;

/**
 * Finds tasks whose node stopped (its heartbeat expired) and settles them:
 * retry-safe types go back to the queue to run elsewhere, the rest become
 * `interrupted`. Every node sweeps; the store's compare-and-set lets one win.
 */
@Injectable()
export class TaskRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TaskRecovery.name);
  private timer?: NodeJS.Timeout;
  private sweeps = 0;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @Inject(TASK_STORE) private readonly store: TaskStore,
    private readonly nodes: NodeRegistry,
    private readonly queue: BullmqTaskQueue,
    private readonly types: TaskTypeRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    // Until we have reported for a full expiry, a missing heartbeat may be our own outage, not theirs.
    if (this.nodes.reportingForMs() < NODE_TTL_MS) return;
    const orphans = (await this.store.listActive()).filter((t) => t.node && t.node !== this.config.nodeId);
    const alive = await this.nodes.aliveAmong([...new Set(orphans.map((t) => t.node!))]);
    for (const task of orphans) if (!alive.has(task.node!)) await this.recover(task);
    if (this.sweeps++ % QUEUE_CHECK_EVERY === 0) await this.requeueLost();
  }

  /**
   * A queued task whose job is gone (Redis lost the job's last writes, or the
   * API failed between storing the task and queueing it) gets its job back.
   */
  async requeueLost(): Promise<number> {
    const cutoff = new Date(Date.now() - QUEUE_CHECK_AGE_MS).toISOString();
    let restored = 0;
    let cursor: string | undefined;
    do {
      const page = await this.store.list({ status: 'queued', limit: PAGE, cursor });
      const old = page.tasks.filter((t) => t.created_at < cutoff);
      const lost = new Set(await this.queue.withoutJob(old.map((t) => t.task_id)));
      for (const task of old.filter((t) => lost.has(t.task_id))) {
        this.logger.warn(`task ${task.task_id}: queued without a job; queueing it again`);
        await this.queue.enqueue([task]);
        restored++;
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return restored;
  }

  /** Settles a task whose node is gone; returns the record as it now stands. */
  async recover(task: TaskRecord): Promise<TaskRecord | null> {
    const retry = this.types.isRetrySafe(task.task_type) && task.attempts < MAX_ATTEMPTS;
    if (retry) {
      const requeued = await this.store.transition(task.task_id, sourcesOf('queued'), 'queued', {
        node: null, worker: null, worker_server: null, started_at: null, progress: 0, progress_info: null,
      });
      if (requeued) {
        this.logger.warn(`task ${task.task_id}: node ${task.node} stopped; queued to run again (attempt ${task.attempts + 1})`);
        await this.queue.enqueue([requeued]);
      }
      return requeued ?? this.store.get(task.task_id);
    }
    const interrupted = await this.store.transition(task.task_id, ACTIVE_STATUSES, 'interrupted', {
      error: { code: 'NODE_LOST', message: `node ${task.node} stopped while the task ran` },
      finished_at: new Date().toISOString(),
      worker_server: null,
    });
    if (interrupted) this.logger.warn(`task ${task.task_id}: node ${task.node} stopped; the task is interrupted`);
    return interrupted ?? this.store.get(task.task_id);
  }
}
