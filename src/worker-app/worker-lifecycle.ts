import { parseSupervisorMessage, type TaskAssignment, type WorkerMessage } from '../workers/worker-protocol';
import type { ControlToMain, MainToControl } from './control-thread-protocol';
import type { ProcessBaseline } from './worker-host';

export interface WorkerLifecycleDeps {
  /** An IPC message to the supervisor; `then` once it has left. */
  send(message: WorkerMessage, then?: () => void): void;
  exit(code: number): void;
  toControl(message: MainToControl): void;
  host: { prepare(baseline: ProcessBaseline): void; start(task: TaskAssignment): void; abort(): void };
  takeBaseline(): ProcessBaseline;
  /** Lowers this (the handlers') thread to `nice`; returns why it could not, or null. */
  lowerPriority(nice: number): string | null;
  /** Once, as the first task comes (see main.ts). */
  tuneForTasks(): void;
}

/**
 * A worker process's life, from its main thread: the boot handshake with the
 * supervisor and with its control thread, then tasks, until it goes. The
 * worker goes (logging why) when its control thread is lost, since nobody
 * could pause or terminate its tasks any more, or when it is abandoned after
 * a task it could not put back; before `ready`, either is a failed boot.
 */
export class WorkerLifecycle {
  private nice = 0;
  private ready = false;
  private tuned = false;
  private ending = false;

  constructor(private readonly deps: WorkerLifecycleDeps) {}

  onSupervisor(raw: unknown): void {
    const message = parseSupervisorMessage(raw);
    if (message?.type === 'boot' && !this.ready) {
      this.nice = message.nice;
      this.deps.toControl({ type: 'token', token: message.token });
    }
    if (message?.type === 'start' && this.ready && !this.ending) {
      if (!this.tuned) {
        this.tuned = true;
        this.deps.tuneForTasks();
      }
      this.deps.host.start(message.task);
    }
  }

  onControl(message: ControlToMain): void {
    switch (message?.type) {
      case 'listening':
        return this.becomeReady(message.port);
      case 'boot_failed':
        return this.bootFailed(message.message);
      case 'abort':
        return this.deps.host.abort();
    }
  }

  /** The control thread failed or exited. Its `error` comes before its `exit`: one report. */
  controlLost(reason: string): void {
    this.leave(`control thread lost: ${reason}`);
  }

  /** Should a task have left what the check before its outcome missed: no later task may run here (one already sent fails as a lost worker). */
  abandon(reason: string): void {
    this.leave(`worker exits: ${reason}`);
  }

  private becomeReady(port: number): void {
    if (this.ready || this.ending) return;
    const refused = this.deps.lowerPriority(this.nice);
    if (refused) this.deps.send({ type: 'log', message: `WORKER_NICE=${this.nice} could not be applied (${refused}); handlers run at the service's priority` });
    this.deps.send({ type: 'ready', port });
    // Taken once this worker's own modules, listeners and thread are in place: that much every task may share.
    // After `ready` has left (it takes a few ms), yet before any task can be read: that comes in a later turn.
    this.deps.host.prepare(this.deps.takeBaseline());
    this.ready = true;
  }

  private bootFailed(reason: string): void {
    if (this.ending) return;
    this.ending = true;
    this.deps.send({ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: reason } }, () => this.deps.exit(1));
  }

  private leave(reason: string): void {
    if (!this.ready) return this.bootFailed(reason);
    if (this.ending) return;
    this.ending = true;
    this.deps.send({ type: 'log', message: reason }, () => this.deps.exit(1));
  }
}
