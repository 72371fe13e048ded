import type { Logger } from '@nestjs/common';
import type { TaskStore } from '../store/task-store';
import { sourcesOf, type TaskPatch, type TaskRecord, type TaskStatus } from '../tasks/task';
import { Deadline } from './deadline';
import type { PoolChild } from './pool-child';
import { ProgressBuffer } from './progress-buffer';
import type { WorkerControlClient } from './worker-control-client';
import type { WorkerProcess } from './worker-process';

export type WorkerState = 'starting' | 'running' | 'paused' | 'terminating';

export interface BusyWorkerView {
  pid: number;
  task_id: string;
  task_type: string;
  state: WorkerState;
  uptime_s: number;
  rss_bytes: number | null;
}

export interface ActiveWorkerTimers {
  timeoutMs: number;
  progressWriteMs: number;
  /** Runs, in this worker's order, when the task outlives its timeout. */
  onExpired: () => Promise<unknown>;
}

export const now = () => new Date().toISOString();

/**
 * One task on the worker process that runs it: its state, its deadline and
 * progress buffer, and the store writes its worker's reports become. Steps
 * for one worker run one after another, in the order they were asked for.
 * Each write is for this attempt only: should the task have been claimed
 * again elsewhere meanwhile (this node was cut off), a late write changes nothing.
 */
export class ActiveWorker {
  readonly taskId: string;
  readonly taskType: string;
  /** As claimed; the record's status is checked by the `running` transition, not read again. */
  readonly taskData: Record<string, unknown>;
  /** The attempt this worker runs, as counted when the task was claimed. */
  readonly attempt: number;
  state: WorkerState = 'starting';
  control: WorkerControlClient | null = null;
  bootTimer: NodeJS.Timeout | null = null;
  readonly deadline: Deadline;
  readonly progress: ProgressBuffer;
  /** Resolves once the slot is free again. */
  readonly done: Promise<void>;
  private settleDone!: () => void;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    task: TaskRecord,
    readonly child: PoolChild,
    private readonly store: TaskStore,
    private readonly logger: Logger,
    timers: ActiveWorkerTimers,
  ) {
    this.taskId = task.task_id;
    this.taskType = task.task_type;
    this.taskData = task.task_data;
    this.attempt = task.attempts;
    this.done = new Promise<void>((resolve) => (this.settleDone = resolve));
    this.deadline = new Deadline(timers.timeoutMs, () => void this.enqueue(timers.onExpired));
    this.progress = new ProgressBuffer(timers.progressWriteMs, () => void this.enqueue(() => this.flushProgress()));
  }

  get process(): WorkerProcess {
    return this.child.process;
  }

  /** Queues a step behind this worker's earlier ones; a failing step is logged, and the next still runs. */
  enqueue(step: () => Promise<unknown> | unknown): Promise<unknown> {
    this.chain = this.chain.then(step).catch((error) => this.logger.error(`task ${this.taskId}: ${error?.stack ?? error}`));
    return this.chain;
  }

  /** The slot is free: whoever waits on `done` goes on. */
  settle(): void {
    if (this.bootTimer) clearTimeout(this.bootTimer);
    this.deadline.clear();
    this.progress.cancel();
    this.settleDone();
  }

  view(): BusyWorkerView {
    return {
      pid: this.process.pid,
      task_id: this.taskId,
      task_type: this.taskType,
      state: this.state,
      uptime_s: (Date.now() - this.process.startedAt) / 1000,
      rss_bytes: this.process.rssBytes(),
    };
  }

  /**
   * Stops the process for good, now or, given a grace period and a control
   * server to ask, through a graceful terminate, by force once the period
   * ends or the request fails. No deadline fires after.
   */
  stop(graceMs: number | null = null): void {
    this.state = 'terminating';
    this.deadline.clear();
    if (graceMs === null || !this.control) return this.process.kill();
    this.process.killAfter(graceMs);
    this.control.terminate(this.taskId).catch(() => this.process.kill());
  }

  /** Records `running` on this worker; false when the task was settled meanwhile (terminated while its worker booted). */
  async recordRunning(control: WorkerControlClient, nodeId: string): Promise<boolean> {
    const patch = { started_at: now(), worker: this.process.pid, worker_server: control.address, node: nodeId };
    if (!(await this.store.tryTransition(this.taskId, ['starting'], 'running', patch, this.attempt))) return false;
    this.state = 'running';
    this.deadline.start();
    return true;
  }

  async recordParked(): Promise<void> {
    await this.flushProgress();
    if (await this.store.transition(this.taskId, ['running'], 'paused', {}, this.attempt)) {
      this.state = 'paused';
      this.deadline.pause();
    }
  }

  async recordResumed(): Promise<void> {
    if (await this.store.transition(this.taskId, ['paused'], 'running', {}, this.attempt)) {
      this.state = 'running';
      this.deadline.start();
    }
  }

  /**
   * Records a terminal status, with the progress not yet written, in one
   * write issued at once: an outcome decided here is recorded before one the
   * worker reports after it. Null when the task already had one.
   */
  finish(status: TaskStatus, patch: TaskPatch): Promise<TaskRecord | null> {
    return this.store.transition(this.taskId, sourcesOf(status), status, this.finalPatch(patch), this.attempt);
  }

  /**
   * Records the handler's result as `finish` records an outcome, without
   * reading the record back: a result may be up to MAX_RESULT_BYTES, and
   * reading it back would hold the API's thread for nothing (SQLite wrote a
   * 650 KB result in 5-6.5 ms, and took 16-17 ms to write it and return the
   * record). A task that already had an outcome keeps it.
   */
  async complete(result: unknown): Promise<void> {
    await this.store.tryTransition(this.taskId, sourcesOf('completed'), 'completed', this.finalPatch({ result, progress: 100 }), this.attempt);
  }

  /** With the progress not yet written, so that it is recorded in the same write. */
  private finalPatch(patch: TaskPatch): TaskPatch {
    const pending = this.progress.take();
    const progress = pending ? { progress: pending.progress, progress_info: pending.info } : {};
    return { ...progress, ...patch, finished_at: now(), worker_server: null };
  }

  private async flushProgress(): Promise<void> {
    const pending = this.progress.take();
    if (pending) await this.store.setProgress(this.taskId, pending.progress, pending.info, this.attempt);
  }
}
