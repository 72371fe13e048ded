import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { appConfig, type AppConfig } from '../config/app-config';
import { PATIENT_TASK_STORE, type TaskStore } from '../store/task-store';
import { sourcesOf, type TaskPatch, type TaskRecord, type TaskStatus } from '../tasks/task';
import { InvalidTransitionError, TaskNotFoundError, WorkerUnreachableError } from '../tasks/task-errors';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import { Deadline } from './deadline';
import { ProgressBuffer } from './progress-buffer';
import { WorkerControlClient } from './worker-control-client';
import { WorkerLauncher } from './worker-launcher';
import type { WorkerExit, WorkerProcess } from './worker-process';
import type { ErrorInfo, WorkerMessage, WorkerStatus } from './worker-protocol';

type WorkerState = 'starting' | 'running' | 'paused' | 'terminating';

interface ActiveWorker {
  taskId: string;
  taskType: string;
  timeoutMs: number;
  process: WorkerProcess;
  token: string;
  state: WorkerState;
  control: WorkerControlClient | null;
  deadline: Deadline;
  bootTimer: NodeJS.Timeout;
  progress: ProgressBuffer;
  /** Store writes for one worker happen in message order. */
  chain: Promise<unknown>;
  /** Resolves `start`'s promise once the slot is free again. */
  settled: () => void;
}

export interface WorkerView {
  pid: number;
  task_id: string;
  task_type: string;
  state: WorkerState;
  uptime_s: number;
  rss_bytes: number | null;
}

const now = () => new Date().toISOString();

/** Keeps the registry of worker processes and turns what they report into task state. */
@Injectable()
export class WorkerSupervisor {
  private readonly logger = new Logger(WorkerSupervisor.name);
  private readonly workers = new Map<string, ActiveWorker>();
  private readonly exitListeners: (() => void)[] = [];

  constructor(
    @Inject(PATIENT_TASK_STORE) private readonly store: TaskStore,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly registry: TaskTypeRegistry,
    private readonly launcher: WorkerLauncher,
  ) {}

  /** Live processes, terminating ones included: they still hold a slot. */
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
    let settled!: () => void;
    const done = new Promise<void>((resolve) => (settled = resolve));
    const token = randomBytes(32).toString('base64url');
    const process = this.launcher.launch({
      message: (message) => this.enqueue(worker, () => this.onMessage(worker, message)),
      exit: (exit) => this.enqueue(worker, () => this.onExit(worker, exit)),
    });
    const worker: ActiveWorker = {
      taskId: task.task_id,
      taskType: task.task_type,
      timeoutMs: task.timeout_ms,
      process,
      token,
      state: 'starting',
      control: null,
      deadline: new Deadline(task.timeout_ms, () => void this.enqueue(worker, () => this.expire(worker))),
      bootTimer: setTimeout(() => void this.enqueue(worker, () => this.bootTimedOut(worker)), this.config.workerBootTimeoutMs),
      progress: new ProgressBuffer(this.config.progressWriteMs, () => void this.enqueue(worker, () => this.flushProgress(worker))),
      chain: Promise.resolve(),
      settled,
    };
    this.workers.set(task.task_id, worker);
    return done;
  }

  list(): WorkerView[] {
    return [...this.workers.values()].map((w) => ({
      pid: w.process.pid,
      task_id: w.taskId,
      task_type: w.taskType,
      state: w.state,
      uptime_s: (Date.now() - w.process.startedAt) / 1000,
      rss_bytes: w.process.rssBytes(),
    }));
  }

  /** The worker's own view of its task, or null when no live worker runs it. */
  async liveStatus(taskId: string): Promise<WorkerStatus | null> {
    const control = this.workers.get(taskId)?.control;
    if (!control) return null;
    try {
      return await control.status();
    } catch {
      return null;
    }
  }

  async control(task: TaskRecord, action: 'pause' | 'resume'): Promise<TaskRecord> {
    const worker = this.workers.get(task.task_id);
    if (!worker?.control || worker.state === 'terminating') throw new InvalidTransitionError(task.task_id, task.status, action);
    let status: WorkerStatus;
    try {
      status = await worker.control.control(action);
    } catch (error) {
      throw new WorkerUnreachableError(task.task_id, (error as Error).message);
    }
    if (action === 'pause' && status.paused) await this.enqueue(worker, () => this.onParked(worker));
    if (action === 'resume') await this.enqueue(worker, () => this.onResumed(worker));
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
      : await this.store.transition(taskId, sourcesOf('terminated'), 'terminated', { error: reason, finished_at: now() });
    if (updated) return updated;
    const current = await this.store.get(taskId);
    if (!current) throw new TaskNotFoundError(taskId);
    throw new InvalidTransitionError(taskId, current.status, 'terminate');
  }

  /** Stops every worker, recording its task interrupted; resolves once all have exited. */
  async shutdown(): Promise<void> {
    const exits = [...this.workers.values()].map(
      (worker) => new Promise<void>((resolve) => this.onSlotFreed(() => !this.workers.has(worker.taskId) && resolve())),
    );
    const reason = { code: 'INTERRUPTED', message: 'the service shut down while the task ran' };
    for (const worker of this.workers.values()) await this.end(worker, 'interrupted', reason, true);
    await Promise.all(exits);
  }

  /**
   * Records an outcome the supervisor decides (not the worker) and stops the
   * worker. When the task already had an outcome its worker is on its way out,
   * so stopping it changes nothing; null tells the caller the record stood.
   */
  private async end(worker: ActiveWorker, status: TaskStatus, error: ErrorInfo, graceful: boolean): Promise<TaskRecord | null> {
    const updated = await this.finish(worker, status, { error });
    this.halt(worker, graceful);
    return updated;
  }

  private halt(worker: ActiveWorker, graceful: boolean): void {
    worker.state = 'terminating';
    worker.deadline.clear();
    if (!graceful || !worker.control) return worker.process.kill();
    worker.process.killAfter(this.config.terminateGraceMs);
    worker.control.terminate().catch(() => worker.process.kill());
  }

  private enqueue(worker: ActiveWorker, step: () => Promise<unknown>): Promise<unknown> {
    worker.chain = worker.chain.then(step).catch((error) => this.logger.error(`task ${worker.taskId}: ${error?.stack ?? error}`));
    return worker.chain;
  }

  private async onMessage(worker: ActiveWorker, message: WorkerMessage): Promise<unknown> {
    switch (message.type) {
      case 'online':
        return this.assign(worker);
      case 'ready':
        return this.onReady(worker, message.port);
      case 'progress':
        return worker.progress.push(message);
      case 'paused':
        return this.onParked(worker);
      case 'resumed':
        return this.onResumed(worker);
      case 'log':
        return this.logger.log(`task ${worker.taskId}: ${message.message}`);
      case 'completed':
        return this.finish(worker, 'completed', { result: message.result, progress: 100 });
      case 'failed':
        return this.finish(worker, 'failed', { error: message.error });
      case 'aborted':
        return this.finish(worker, 'terminated', { error: { code: 'TERMINATED', message: 'terminated on request' } });
    }
  }

  private async assign(worker: ActiveWorker): Promise<void> {
    const record = await this.store.get(worker.taskId);
    if (!record) return this.halt(worker, false);
    let module: string;
    try {
      module = this.registry.get(worker.taskType).modulePath;
    } catch (error) {
      // Queued before a restart that dropped its type from TASKS_DIR.
      await this.end(worker, 'failed', { code: 'UNKNOWN_TASK_TYPE', message: (error as Error).message }, false);
      return;
    }
    const task = {
      task_id: worker.taskId,
      task_type: worker.taskType,
      task_data: record.task_data,
      module,
      max_result_bytes: this.config.maxResultBytes,
    };
    worker.process.send({ type: 'start', token: worker.token, task });
  }

  private async onReady(worker: ActiveWorker, port: number): Promise<void> {
    clearTimeout(worker.bootTimer);
    worker.control = new WorkerControlClient(port, worker.token);
    const running = await this.store.transition(worker.taskId, ['starting'], 'running', {
      started_at: now(),
      worker: worker.process.pid,
      worker_server: worker.control.address,
      node: this.config.nodeId,
    });
    // The task was terminated while its worker booted.
    if (!running) return this.halt(worker, false);
    worker.state = 'running';
    worker.deadline.start();
  }

  private async flushProgress(worker: ActiveWorker): Promise<void> {
    const pending = worker.progress.take();
    if (pending) await this.store.setProgress(worker.taskId, pending.progress, pending.info);
  }

  private async onParked(worker: ActiveWorker): Promise<void> {
    await this.flushProgress(worker);
    if (await this.store.transition(worker.taskId, ['running'], 'paused')) {
      worker.state = 'paused';
      worker.deadline.pause();
    }
  }

  private async onResumed(worker: ActiveWorker): Promise<void> {
    if (await this.store.transition(worker.taskId, ['paused'], 'running')) {
      worker.state = 'running';
      worker.deadline.start();
    }
  }

  /** Records a terminal status; null when the task already had one. */
  private async finish(worker: ActiveWorker, status: TaskStatus, patch: TaskPatch): Promise<TaskRecord | null> {
    await this.flushProgress(worker);
    return this.store.transition(worker.taskId, sourcesOf(status), status, { ...patch, finished_at: now(), worker_server: null });
  }

  private async expire(worker: ActiveWorker): Promise<void> {
    const message = `the task ran longer than its timeout of ${worker.timeoutMs} ms`;
    await this.end(worker, 'timed_out', { code: 'TIMEOUT', message }, false);
  }

  private async bootTimedOut(worker: ActiveWorker): Promise<void> {
    const message = `the worker was not ready within ${this.config.workerBootTimeoutMs} ms`;
    await this.end(worker, 'failed', { code: 'WORKER_BOOT_FAILED', message }, false);
  }

  private async onExit(worker: ActiveWorker, exit: WorkerExit): Promise<void> {
    clearTimeout(worker.bootTimer);
    worker.deadline.clear();
    await this.finish(worker, 'failed', { error: describeExit(exit) });
    this.workers.delete(worker.taskId);
    worker.settled();
    for (const listener of this.exitListeners) listener();
  }
}

function describeExit(exit: WorkerExit): ErrorInfo {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return { code: 'WORKER_EXITED', message: `the worker ${how} before reporting a result` };
}
