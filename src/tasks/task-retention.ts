import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { appConfig, type AppConfig } from '../config/app-config';
import { TASK_STORE, type TaskStore } from '../store/task-store';

/** Deletes finished tasks older than RESULT_TTL_S, at start and every hour. */
@Injectable()
export class TaskRetention implements OnApplicationBootstrap {
  private readonly logger = new Logger(TaskRetention.name);

  constructor(
    @Inject(TASK_STORE) private readonly store: TaskStore,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.prune();
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'task-retention' })
  async prune(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.resultTtlS * 1000).toISOString();
    try {
      const pruned = await this.store.pruneFinished(cutoff);
      if (pruned > 0) this.logger.log(`pruned ${pruned} task(s) finished before ${cutoff}`);
    } catch (error) {
      // The store may be away (shared mode, Redis restarting): the next hour tries again.
      this.logger.warn(`pruning skipped: ${(error as Error).message}`);
    }
  }
}
