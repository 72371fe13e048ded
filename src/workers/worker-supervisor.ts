import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app-config';
import { PATIENT_TASK_STORE, type TaskStore } from '../store/task-store';
import { sourcesOf, type TaskRecord, type TaskStatus } from '../tasks/task';
import { InvalidTransitionError, TaskNotFoundError, WorkerUnreachableError } from '../tasks/task-errors';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import { ActiveWorker, now, type BusyWorkerView } from './active-worker';
import type { PoolChild } from './pool-child';
import { WorkerLauncher } from './worker-launcher';
import { WorkerPool, type IdleWorkerView } from './worker-pool';
import type { WorkerExit } from './worker-process';
import type { ErrorInfo, WorkerMessage, WorkerStatus } from './worker-protocol';

export type WorkerView = BusyWorkerView | IdleWorkerView;

/** How long a shutdown waits, once every worker has stopped, for their tasks to be recorded: the store may be out of reach. */
const SHUTDOWN_RECORD_WAIT_MS = 5000;

/**
 * Keeps the registry of busy workers and decides what becomes of them: which
 * process takes a task, when a slot is free, when a worker is stopped or
 * recycled. Each ActiveWorker records its own task's state.
 */
@Injectable()
export class WorkerSupervisor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkerSupervisor.name);
  private readonly workers = new Map<string, ActiveWorker>();
  private readonly exitListeners: (() => void)[] = [];
  private readonly pool: WorkerPool;

  constructor(
    @Inject(PATIENT_TASK_STORE) private readonly store: TaskStore,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly registry: TaskTypeRegistry,
    launcher: WorkerLauncher,
  ) {
    this.pool = new WorkerPool(config, launcher);
  }

  /** Boots the warm children, so the first tasks need not wait for a fork. */
  onApplicationBootstrap(): void {
    this.pool.fill();
  }

  /** Busy slots: tasks with a worker, terminating ones included. Idle pool children are not counted. */
  get size(): number {
    return this.workers.size;
  }

  /** Called each time a worker slot becomes free. */
  onSlotFreed(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Runs a task the store has moved to `starting`. The promise resolves once
   * the task has an outcome and its slot is free again; it never rejects.
   */
  start(task: TaskRecord): Promise<void> {
    let child: PoolChild;
    try {
      child = this.pool.acquire({
        message: (message) => {
          // A task that failed or was aborted may have left its process in a state nobody can vouch for (a
          // handler that called process.exit, a native crash on the way): when in doubt, recycle. At once, not
          // behind the store writes queued before it, which may wait for a store out of reach.
          if (message.type === 'failed' || message.type === 'aborted') worker.stop();
          void worker.enqueue(() => this.onMessage(worker, message));
        },
        exit: (exit) => void worker.enqueue(() => this.onExit(worker, exit)),
      });
    } catch (error) {
      // No process came to be (fork refused): nothing else would ever settle the task.
      const failure = { code: 'WORKER_START_FAILED', message: (error as Error).message };
      return this.store.transition(task.task_id, ['starting'], 'failed', { error: failure, finished_at: now() }, task.attempts).then(
        () => undefined,
        (storeError) => this.logger.error(`task ${task.task_id}: ${storeError}`),
      );
    }
    const worker: ActiveWorker = new ActiveWorker(task, child, this.store, this.logger, {
      timeoutMs: task.timeout_ms,
      progressWriteMs: this.config.progressWriteMs,
      onExpired: () => this.expire(worker, task.timeout_ms),
    });
    this.workers.set(task.task_id, worker);
    // A warm child takes the task at once; a cold one when it reports `ready`.
    if (child.control) void worker.enqueue(() => this.assign(worker));
    else worker.bootTimer = setTimeout(() => void worker.enqueue(() => this.bootTimedOut(worker)), this.config.workerBootTimeoutMs);
    return worker.done;
  }

  /** Busy workers, then the pool's children that wait for a task. */
  list(): WorkerView[] {
    return [...[...this.workers.values()].map((worker) => worker.view()), ...this.pool.list()];
  }

  /** The worker's own view of its task, or null when no live worker runs it. */
  async liveStatus(taskId: string): Promise<WorkerStatus | null> {
    const control = this.workers.get(taskId)?.control;
    if (!control) return null;
    try {
      return await control.status(taskId);
    } catch {
      return null;
    }
  }

  async control(task: TaskRecord, action: 'pause' | 'resume'): Promise<TaskRecord> {
    const worker = this.workers.get(task.task_id);
    if (!worker?.control || worker.state === 'terminating') throw new InvalidTransitionError(task.task_id, task.status, action);
    let status: WorkerStatus;
    try {
      status = await worker.control.control(task.task_id, action);
    } catch (error) {
      throw new WorkerUnreachableError(task.task_id, (error as Error).message);
    }
    if (action === 'pause' && status.paused) await worker.enqueue(() => worker.recordParked());
    if (action === 'resume') await worker.enqueue(() => worker.recordResumed());
    const current = await this.store.get(task.task_id);
    if (!current) throw new TaskNotFoundError(task.task_id);
    return current;
  }

  /**
   * Records the task terminated and stops its worker: at once with SIGKILL, or
   * gracefully through its control server and by force after the grace period.
   */
  async terminate(taskId: string, graceful: boolean, reason: ErrorInfo): Promise<TaskRecord> {
    const worker = this.workers.get(taskId);
    const updated = worker
      ? await this.end(worker, 'terminated', reason, graceful)
      : await this.store.transition(taskId, sourcesOf('terminated'), 'terminated', {
          error: reason,
          finished_at: now(),
          worker_server: null,
        });
    if (updated) return updated;
    const current = await this.store.get(taskId);
    if (!current) throw new TaskNotFoundError(taskId);
    throw new InvalidTransitionError(taskId, current.status, 'terminate');
  }

  /**
   * Stops every worker, recording its task interrupted. Resolves once every
   * process has exited and every task is recorded (true), or, should the
   * store not answer, SHUTDOWN_RECORD_WAIT_MS after the processes exited
   * (false): a node cut off from Redis leaves its tasks to the cluster.
   */
  async shutdown(): Promise<boolean> {
    const settled = [...this.workers.values()].map((worker) => worker.done);
    const recorded = this.interrupt(() => true, { code: 'INTERRUPTED', message: 'the service shut down while the task ran' });
    await this.pool.shutdown();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), SHUTDOWN_RECORD_WAIT_MS)));
    const done = await Promise.race([Promise.all([recorded, ...settled]).then(() => true), giveUp]);
    clearTimeout(timer);
    return done;
  }

  /** Stops, gracefully, the workers whose task type matches, all at once, and records their tasks interrupted. */
  async interrupt(matches: (taskType: string) => boolean, reason: ErrorInfo): Promise<void> {
    const stopping = [...this.workers.values()].filter((worker) => matches(worker.taskType));
    await Promise.all(stopping.map((worker) => this.end(worker, 'interrupted', reason, true)));
  }

  /**
   * Stops the worker and records an outcome the supervisor decides (not the
   * worker). Stopped first: recording may wait for a store out of reach (a
   * node cut off from Redis stops its tasks so that none runs twice, a
   * timeout stops a task on time), and the worker must not run on meanwhile.
   * When the task already had an outcome, null tells the caller the record stood.
   */
  private end(worker: ActiveWorker, status: TaskStatus, error: ErrorInfo, graceful: boolean): Promise<TaskRecord | null> {
    worker.stop(graceful ? this.config.terminateGraceMs : null);
    return worker.finish(status, { error });
  }

  private async onMessage(worker: ActiveWorker, message: WorkerMessage): Promise<unknown> {
    switch (message.type) {
      case 'ready':
        return this.assign(worker);
      case 'progress':
        return worker.progress.push(message);
      case 'paused':
        return worker.recordParked();
      case 'resumed':
        return worker.recordResumed();
      case 'log':
        return this.logger.log(`task ${worker.taskId}: ${message.message}`);
      case 'completed':
        // The handler has returned; a deadline firing now would cost the process for nothing.
        worker.deadline.clear();
        await worker.complete(message.result);
        return this.freeSlot(worker);
      case 'failed':
        return worker.finish('failed', { error: message.error });
      case 'aborted':
        return worker.finish('terminated', { error: { code: 'TERMINATED', message: 'terminated on request' } });
    }
  }

  /** After `completed` the slot is free, and the pool decides whether the process serves again. */
  private freeSlot(worker: ActiveWorker): void {
    if (worker.state === 'terminating' || this.workers.get(worker.taskId) !== worker) return;
    this.pool.release(worker.child, true);
    this.vacate(worker);
  }

  private vacate(worker: ActiveWorker): void {
    this.workers.delete(worker.taskId);
    worker.settle();
    for (const listener of this.exitListeners) listener();
  }

  private async assign(worker: ActiveWorker): Promise<void> {
    if (worker.bootTimer) clearTimeout(worker.bootTimer);
    let module: string;
    try {
      module = this.registry.get(worker.taskType).handlerPath;
    } catch (error) {
      // Queued before a restart that dropped its type from TASKS_DIR.
      await this.end(worker, 'failed', { code: 'UNKNOWN_TASK_TYPE', message: (error as Error).message }, false);
      return;
    }
    const task = {
      task_id: worker.taskId,
      task_type: worker.taskType,
      task_data: worker.taskData,
      module,
      max_result_bytes: this.config.maxResultBytes,
    };
    const control = worker.child.control;
    if (!control) return worker.stop();
    worker.control = control;
    // The handler starts now; recording `running` overlaps it.
    worker.process.send({ type: 'start', task });
    // The task was terminated while its worker booted.
    if (!(await worker.recordRunning(control, this.config.nodeId))) worker.stop();
  }

  private async expire(worker: ActiveWorker, timeoutMs: number): Promise<void> {
    const message = `the task ran longer than its timeout of ${timeoutMs} ms`;
    await this.end(worker, 'timed_out', { code: 'TIMEOUT', message }, false);
  }

  private async bootTimedOut(worker: ActiveWorker): Promise<void> {
    const message = `the worker was not ready within ${this.config.workerBootTimeoutMs} ms`;
    await this.end(worker, 'failed', { code: 'WORKER_BOOT_FAILED', message }, false);
  }

  private async onExit(worker: ActiveWorker, exit: WorkerExit): Promise<void> {
    if (worker.bootTimer) clearTimeout(worker.bootTimer);
    worker.deadline.clear();
    await worker.finish('failed', { error: describeExit(exit) });
    if (this.workers.get(worker.taskId) === worker) this.vacate(worker);
  }
}

function describeExit(exit: WorkerExit): ErrorInfo {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return { code: 'WORKER_EXITED', message: `the worker ${how} before reporting a result` };
}
