import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { PoolChild, type TaskChannel } from './pool-child';
import { WorkerControlClient } from './worker-control-client';
import type { WorkerLauncher } from './worker-launcher';
import type { WorkerExit } from './worker-process';
import type { WorkerMessage } from './worker-protocol';

/** A child that failed to boot is replaced after this pause, so a broken setup does not fork in a loop. */
const REFILL_AFTER_BOOT_FAILURE_MS = 1000;
/**
 * How long a worn child (WORKER_REFRESH_AFTER_TASKS) must stay idle before it
 * is replaced: a burst is over, and a fresh child is ready before the next.
 */
export const REFRESH_WORN_CHILD_AFTER_IDLE_MS = 5000;
/**
 * The share of a child's task limit left when its successor is booted:
 * the successor is ready, or nearly, when the child retires, so the task after
 * its last seldom waits for a cold boot (under full load one took about a
 * second, at the workers' low priority). With MAX_TASKS_PER_WORKER=1 it boots
 * as the child takes its task.
 */
const SUCCESSOR_LEAD = 0.05;
/**
 * Each child's own limit is MAX_TASKS_PER_WORKER less up to this share of it,
 * drawn as it is forked (as gunicorn's max_requests_jitter does): children
 * forked together, as the pool's first are, and served in turn would reach
 * one limit together, and their successors would all boot at once.
 */
const LIMIT_JITTER = 0.1;

export interface IdleWorkerView {
  pid: number;
  task_id: null;
  task_type: null;
  state: 'idle' | 'booting';
  uptime_s: number;
  rss_bytes: number | null;
}

/**
 * Warm worker processes. Keeps WORKER_POOL_MIN children alive (busy or idle),
 * hands an idle one to each task, takes it back when the task is done unless
 * it has served its limit of tasks (MAX_TASKS_PER_WORKER, less up to a tenth)
 * or its RSS passed WORKER_MAX_RSS_MB,
 * and lets idle children beyond the minimum go after WORKER_IDLE_TIMEOUT_MS.
 * A child near its limit has its successor booted ahead.
 * A child that has served WORKER_REFRESH_AFTER_TASKS tasks is replaced once it
 * goes quiet: thousands of tasks leave glibc's heaps fragmented (about 20 MB
 * a child), and only a new process gives that back.
 */
export class WorkerPool {
  private readonly logger = new Logger(WorkerPool.name);
  private readonly children = new Set<PoolChild>();
  private readonly exitWaiters = new Set<() => void>();
  private closed = false;
  private refillTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly launcher: WorkerLauncher,
    /** Draws each child's limit (LIMIT_JITTER); in [0, 1). */
    private readonly random: () => number = Math.random,
  ) {}

  /** Boots children up to the minimum. */
  fill(): void {
    if (this.closed || this.refillTimer) return;
    while (this.live < this.config.workerPoolMin) this.spawn();
  }

  /**
   * A child for one task: an idle one, else one still booting with no task,
   * else a new one. Its messages go to `task` until `release`.
   */
  acquire(task: TaskChannel): PoolChild {
    const spare = this.find('idle') ?? this.find('booting') ?? this.spawn();
    spare.clearTimers();
    spare.state = spare.control ? 'busy' : 'booting';
    spare.task = task;
    spare.tasksServed++;
    this.bootSuccessorIfWearing(spare);
    return spare;
  }

  /** Takes a child back after its task; `clean` says its last task ended in a way that leaves it reusable. */
  release(child: PoolChild, clean: boolean): void {
    child.task = null;
    const worn = child.tasksServed >= child.taskLimit;
    const bloated = child.peakRssBytes > this.config.workerMaxRssBytes;
    if (!clean || child.spent || worn || bloated || this.closed) return this.retire(child);
    this.becomeIdle(child);
  }

  /** Kills a child; the pool refills once it has exited. */
  retire(child: PoolChild): void {
    if (child.state === 'retiring') return;
    child.clearTimers();
    child.state = 'retiring';
    // Only ever done to an idle child or one whose task already has its outcome (or is being killed).
    child.process.kill();
  }

  list(): IdleWorkerView[] {
    return [...this.children]
      .filter((c) => !c.task && (c.state === 'idle' || c.state === 'booting'))
      .map((c) => ({
        pid: c.pid,
        task_id: null,
        task_type: null,
        state: c.state as 'idle' | 'booting',
        uptime_s: (Date.now() - c.process.startedAt) / 1000,
        rss_bytes: c.process.rssBytes(),
      }));
  }

  /** Stops refilling, kills the children without a task, and resolves once every child has exited. */
  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    for (const child of this.children) if (!child.task) this.retire(child);
    if (this.children.size === 0) return;
    await new Promise<void>((resolve) => this.exitWaiters.add(() => this.children.size === 0 && resolve()));
  }

  private get live(): number {
    return [...this.children].filter((c) => c.state !== 'retiring').length;
  }

  private find(state: 'idle' | 'booting'): PoolChild | undefined {
    for (const child of this.children) if (child.state === state && !child.task) return child;
    return undefined;
  }

  private bootSuccessorIfWearing(child: PoolChild): void {
    if (child.successorBooted || child.tasksServed < child.successorAfter || this.closed || this.refillTimer) return;
    child.successorBooted = true;
    this.spawn();
  }

  private spawn(): PoolChild {
    const max = this.config.maxTasksPerWorker;
    const child = new PoolChild(max - Math.floor(max * LIMIT_JITTER * this.random()), SUCCESSOR_LEAD);
    child.process = this.launcher.launch({
      message: (message) => this.onMessage(child, message),
      exit: (exit) => this.onExit(child, exit),
    });
    child.bootTimer = setTimeout(() => this.bootTimedOut(child), this.config.workerBootTimeoutMs);
    this.children.add(child);
    return child;
  }

  private onMessage(child: PoolChild, message: WorkerMessage): void {
    switch (message.type) {
      case 'online':
        return child.process.send({ type: 'boot', token: child.token, nice: this.config.workerNice });
      case 'ready':
        if (child.bootTimer) clearTimeout(child.bootTimer);
        child.control = new WorkerControlClient(message.port, child.token);
        if (!child.task) this.becomeIdle(child);
        else child.state = 'busy';
        break;
      case 'failed':
        // Failed before it was ready: never reused.
        if (!child.control) this.bootFailed(child, message.error.message);
        break;
      case 'completed':
        child.peakRssBytes = message.peak_rss_bytes;
        if (message.spent) {
          child.spent = true;
          this.logger.log(`worker ${child.pid} is replaced: ${message.spent}`);
        }
        break;
      case 'log':
        // A child with a task logs through its supervisor record; this one speaks for itself.
        if (!child.task) this.logger.warn(`worker ${child.pid}: ${message.message}`);
        break;
    }
    child.task?.message(message);
  }

  private onExit(child: PoolChild, exit: WorkerExit): void {
    child.clearTimers();
    this.children.delete(child);
    child.task?.exit(exit);
    this.exitWaiters.forEach((waiter) => waiter());
    this.fill();
  }

  private becomeIdle(child: PoolChild): void {
    child.state = 'idle';
    const refreshAfter = this.config.workerRefreshAfterTasks;
    const worn = refreshAfter > 0 && child.tasksServed >= refreshAfter;
    // Retiring a child the minimum needs makes the pool boot a fresh one when it has exited.
    child.idleTimer = setTimeout(
      () => {
        if (child.state === 'idle' && !child.task && (worn || this.live > this.config.workerPoolMin)) this.retire(child);
      },
      worn ? REFRESH_WORN_CHILD_AFTER_IDLE_MS : this.config.workerIdleTimeoutMs,
    );
    child.idleTimer.unref();
  }

  private bootTimedOut(child: PoolChild): void {
    // A child with a task is the supervisor's to fail; this covers children booted ahead.
    if (!child.control && !child.task) this.bootFailed(child, `not ready within ${this.config.workerBootTimeoutMs} ms`);
  }

  private bootFailed(child: PoolChild, why: string): void {
    this.logger.error(`worker ${child.pid} failed to boot: ${why}`);
    this.retire(child);
    this.refillTimer ??= setTimeout(() => {
      this.refillTimer = null;
      this.fill();
    }, REFILL_AFTER_BOOT_FAILURE_MS);
    this.refillTimer.unref();
  }
}
