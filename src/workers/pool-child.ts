import { randomBytes } from 'node:crypto';
import type { WorkerControlClient } from './worker-control-client';
import type { WorkerExit, WorkerProcess } from './worker-process';
import type { WorkerMessage } from './worker-protocol';

/**
 * booting: forked, control server not up yet. idle: ready and waiting for a
 * task. busy: a task owns it. retiring: killed, waiting for its exit.
 */
export type PoolChildState = 'booting' | 'idle' | 'busy' | 'retiring';

/** Where a busy child's messages and exit go: the supervisor's record of its task. */
export interface TaskChannel {
  message(message: WorkerMessage): void;
  exit(exit: WorkerExit): void;
}

/** One worker process as the pool sees it: its state, its token, and the task it serves. */
export class PoolChild {
  state: PoolChildState = 'booting';
  control: WorkerControlClient | null = null;
  task: TaskChannel | null = null;
  tasksServed = 0;
  /** Tasks served after which its successor is booted. */
  readonly successorAfter: number;
  /** A child booted ahead to take over when this one reaches its limit. */
  successorBooted = false;
  /** Its last task left it unfit to serve again. */
  spent = false;
  /** The most resident memory the process has had, as it last reported: a task's peak shows after the task is gone. */
  peakRssBytes = 0;
  idleTimer: NodeJS.Timeout | null = null;
  bootTimer: NodeJS.Timeout | null = null;
  /** Secret the child's control server demands; it only ever travels over IPC. */
  readonly token = randomBytes(32).toString('base64url');
  process!: WorkerProcess;

  constructor(
    /** Tasks it serves before it is replaced: MAX_TASKS_PER_WORKER, or a little less (the pool's LIMIT_JITTER). */
    readonly taskLimit: number,
    /** The share of its limit left when its successor is booted. */
    successorLead: number,
  ) {
    this.successorAfter = taskLimit - Math.floor(taskLimit * successorLead);
  }

  get pid(): number {
    return this.process.pid;
  }

  clearTimers(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.bootTimer) clearTimeout(this.bootTimer);
    this.idleTimer = this.bootTimer = null;
  }
}
