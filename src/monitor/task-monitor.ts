import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression, SchedulerRegistry } from '@nestjs/schedule';
import { CronTime } from 'cron';
import { appConfig, type AppConfig } from '../config/app-config';
import { TASK_STORE, type TaskStore } from '../store/task-store';
import type { TaskRecord } from '../tasks/task';

const JOB = 'task-monitor';

/** Logs, on MONITOR_CRON (every 10 s by default), how many tasks are in each state and each live one. */
@Injectable()
export class TaskMonitor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Monitor');

  constructor(
    @Inject(TASK_STORE) private readonly store: TaskStore,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  /** The decorator fixes the default; MONITOR_CRON, once the job exists, sets the real schedule. */
  onApplicationBootstrap(): void {
    if (this.config.monitorCron !== CronExpression.EVERY_10_SECONDS) {
      this.scheduler.getCronJob(JOB).setTime(new CronTime(this.config.monitorCron));
    }
  }

  @Cron(CronExpression.EVERY_10_SECONDS, { name: JOB })
  async report(): Promise<string[]> {
    const snapshot = await Promise.all([this.store.countByStatus(), this.store.listActive()]).catch((error: Error) => {
      this.logger.warn(`task state unknown: ${error.message}`);
      return null;
    });
    if (!snapshot) return [];
    const [counts, active] = snapshot;
    const summary = Object.entries(counts).map(([status, n]) => `${status}=${n}`).join(' ') || 'no tasks';
    const lines = [`tasks: ${summary}`, ...(active.length ? active.map(describe) : ['no active tasks'])];
    for (const line of lines) this.logger.log(line);
    return lines;
  }
}

function describe(task: TaskRecord): string {
  const since = task.started_at ?? task.created_at;
  const elapsed = ((Date.now() - Date.parse(since)) / 1000).toFixed(1);
  return `${task.task_id} ${task.task_type} ${task.status} ${Math.round(task.progress)}% pid=${task.worker ?? '-'} elapsed=${elapsed}s`;
}
