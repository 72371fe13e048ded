import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app-config';
import { TASK_STORE, type TaskStore } from '../store/task-store';
import type { TaskQueue } from '../tasks/task-queue';
import { WorkerSupervisor } from './worker-supervisor';

/**
 * The embedded queue: the store's queued tasks, started most urgent first
 * while fewer than MAX_CONCURRENCY worker processes are alive.
 */
@Injectable()
export class TaskDispatcher implements TaskQueue, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskDispatcher.name);
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;

  constructor(
    @Inject(TASK_STORE) private readonly store: TaskStore,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly supervisor: WorkerSupervisor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const interrupted = await this.store.interruptActive(
      'the service stopped while the task ran',
      new Date().toISOString(),
    );
    if (interrupted > 0) this.logger.warn(`${interrupted} task(s) left running by a previous process are now interrupted`);
    this.supervisor.onSlotFreed(() => void this.pump());
    void this.pump();
  }

  /** On SIGTERM/SIGINT: take no more tasks, stop the running ones, keep the queue. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    await this.supervisor.shutdown();
  }

  get accepting(): boolean {
    return !this.stopped;
  }

  async enqueue(): Promise<void> {
    void this.pump();
  }

  /** A cancelled task is no longer queued in the store, so there is nothing to drop. */
  async discard(): Promise<void> {}

  /** Stops starting tasks; queued ones stay queued for the next start. */
  stop(): void {
    this.stopped = true;
  }

  /** Fills free slots. Re-entrant calls fold into one more pass. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (!this.stopped && this.supervisor.size < this.config.maxConcurrency) {
          const task = await this.store.claimNext();
          if (!task) break;
          void this.supervisor.start(task);
        }
      } while (this.pumpAgain);
    } catch (error) {
      this.logger.error(`dispatching failed: ${(error as Error).message}`);
    } finally {
      this.pumping = false;
    }
  }
}
