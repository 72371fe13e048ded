import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { appConfig, type AppConfig } from '../config/app-config';
import { PATIENT_TASK_STORE, type TaskStore } from '../store/task-store';
import { ACTIVE_STATUSES } from '../tasks/task';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import { WorkerSupervisor } from '../workers/worker-supervisor';
import { bullPrefix, QUEUE_NAME } from './bullmq-task-queue';
import { NodeRegistry } from './node-registry';
import { createRedisClient, logErrorsBesideOutages } from './redis-client';
import { TaskRecovery } from './task-recovery';

/**
 * A worker node's intake: takes jobs from BullMQ, at most MAX_CONCURRENCY at a
 * time, and runs each task through the same WorkerSupervisor as the embedded
 * mode. A job stays active until its task has an outcome and its process is gone.
 */
@Injectable()
export class BullmqTaskRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BullmqTaskRunner.name);
  private worker?: Worker;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @Inject(PATIENT_TASK_STORE) private readonly store: TaskStore,
    private readonly supervisor: WorkerSupervisor,
    private readonly nodes: NodeRegistry,
    private readonly recovery: TaskRecovery,
    private readonly types: TaskTypeRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    // Cut off from Redis, this node is about to be declared dead and its retry-safe tasks run
    // elsewhere: stop those here first, so none runs twice at once. Other tasks carry on; if the
    // cluster has recorded them interrupted meanwhile, their late outcome loses the compare-and-set.
    this.nodes.onFenced(() => {
      const reason = { code: 'NODE_LOST', message: 'this node lost contact with Redis while the task ran' };
      void this.supervisor.interrupt((type) => this.types.isRetrySafe(type), reason);
    });
    const connection = createRedisClient(this.config.redisUrl, 'patient', 'worker');
    this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), {
      connection,
      prefix: bullPrefix(this.config),
      concurrency: this.config.maxConcurrency,
      // A dead node's jobs come back within about 15 s.
      lockDuration: 10000,
      stalledInterval: 5000,
      maxStalledCount: 1000,
    });
    logErrorsBesideOutages(this.worker, connection, this.logger);
    this.logger.log(`taking tasks, ${this.config.maxConcurrency} at a time, as node ${this.config.nodeId}`);
  }

  /**
   * Stop taking jobs; the running tasks are interrupted by the supervisor's
   * shutdown, which ends their jobs. Jobs whose tasks could not be recorded
   * (Redis out of reach) are not waited for: the cluster settles those tasks.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    await this.worker.pause(true).catch(() => undefined);
    const recorded = await this.supervisor.shutdown();
    await this.worker.close(!recorded).catch(() => undefined);
  }

  private async process(job: Job): Promise<void> {
    const taskId = job.id!;
    let task = await this.store.get(taskId);
    // A job whose task is active elsewhere came back because its node lost the lock.
    if (task && ACTIVE_STATUSES.includes(task.status) && task.node !== this.config.nodeId) {
      if (task.node && (await this.nodes.isAlive(task.node))) return;
      task = await this.recovery.recover(task);
    }
    if (task?.status !== 'queued') return; // cancelled, finished, or running here already
    const claimed = await this.store.claim(taskId, { node: this.config.nodeId });
    if (claimed) await this.supervisor.start(claimed);
  }
}
