import { collectAllGarbage } from '../memory/full-collection';
import type { TaskAssignment, WorkerMessage } from '../workers/worker-protocol';
import type { MainToControl } from './control-thread-protocol';
import { HandlerRun, type HandlerEvent, type HandlerOutcome } from './handler-run';
import { PeakRss } from './peak-rss';
import type { RunBoard } from './run-board';
import type { RunFlags } from './run-flags';

/**
 * Once a worker has been idle this long, a full collection hands back the
 * heap pages its tasks grew: V8 keeps them, idle or not.
 */
const COLLECT_WHEN_IDLE_MS = 5000;

/** The process as it was before its first task (ThreadBaseline). */
export interface ProcessBaseline {
  /** Why the process cannot serve again after the last task, or null. */
  check(): string | null;
  /** Undoes what the last task left, once `check` passed; returns what could not be undone. */
  restore(): string | null;
}

export interface WorkerHostDeps {
  report: (message: WorkerMessage) => void;
  toControl: (message: MainToControl) => void;
  board: RunBoard;
  flags: RunFlags;
  /** Clears the timers the last task left (TimerLedger); `schedule` arms one of the worker's own. */
  timers: { clearAll(): void; schedule(callback: () => void, ms: number): NodeJS.Timeout };
  /** Ends a process that said it could serve again and cannot after all, before it reads another task. */
  abandon: (reason: string) => void;
}

/**
 * The tasks of one worker process, one at a time, each run in this, the
 * process's main thread: the control server has a thread of its own, so it
 * answers while a handler holds this one. After each completed task the
 * process is put back to how it was before its first; when it cannot be, the
 * outcome says so and the pool replaces the process instead of reusing it.
 * Most of the putting back comes after the outcome has left, while the
 * supervisor records it: a next task is read only once it is done.
 */
export class WorkerHost {
  private current: HandlerRun | null = null;
  private run = 0;
  private reported = false;
  private baseline: ProcessBaseline | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly peakRss = new PeakRss();

  constructor(private readonly deps: WorkerHostDeps) {}

  /** Takes the baseline once the worker's own set-up is done: that much every task may share. */
  prepare(baseline: ProcessBaseline): void {
    this.baseline = baseline;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  start(task: TaskAssignment): void {
    if (this.current || !this.baseline) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const { board, flags } = this.deps;
    flags.clear();
    this.run = board.begin(task);
    this.reported = false;
    const handler = new HandlerRun({ module: task.module, input: task.task_data, maxResultBytes: task.max_result_bytes }, flags, this.run, (event) => this.onEvent(event));
    this.current = handler;
    // Once the callbacks the task left for this turn have run, so that what it changed is all there to undo.
    void handler.execute().then((outcome) => setImmediate(() => this.settle(outcome)));
  }

  /** Terminate, from the control thread: fires the handler's AbortSignal. */
  abort(): void {
    this.current?.abort();
  }

  /** An error nothing caught, thrown by the handler's code (or this worker's): the process cannot be trusted. */
  crashed(error: unknown): WorkerMessage {
    return this.last({ type: 'failed', error: { code: 'HANDLER_CRASHED', message: error instanceof Error ? error.message : String(error) } });
  }

  /** The process is exiting, with a task still running: a handler called process.exit. */
  exiting(code: number): WorkerMessage | null {
    return this.current && !this.reported ? this.last({ type: 'failed', error: { code: 'HANDLER_EXITED', message: `handler exited (code ${code}) without a result` } }) : null;
  }

  private last(outcome: WorkerMessage): WorkerMessage {
    this.reported = true;
    return outcome;
  }

  private onEvent(event: HandlerEvent): void {
    switch (event.type) {
      case 'progress':
        this.deps.toControl({ type: 'progress', run: this.run, progress: event.progress, info: event.info });
        return this.deps.report(event);
      case 'parked':
        return this.deps.report({ type: 'paused' });
      case 'unparked':
        return this.deps.report({ type: 'resumed' });
      case 'log':
        return this.deps.report(event);
    }
  }

  private settle(outcome: HandlerOutcome): void {
    this.deps.timers.clearAll();
    // A failed or aborted task's process is recycled: there is nothing to put back.
    const completed = outcome.type === 'result';
    const spent = completed ? this.baseline!.check() : null;
    this.deps.board.end();
    this.deps.flags.end();
    this.current = null;
    if (this.reported) return;
    this.reported = true;
    this.deps.report(toWorkerOutcome(outcome, spent, this.peakRss));
    if (!completed || spent) return;
    const unrestored = this.baseline!.restore();
    if (unrestored) return this.deps.abandon(unrestored);
    this.idleTimer = this.deps.timers.schedule(collectAllGarbage, COLLECT_WHEN_IDLE_MS);
  }
}

function toWorkerOutcome(outcome: HandlerOutcome, spent: string | null, peakRss: PeakRss): WorkerMessage {
  switch (outcome.type) {
    case 'result':
      return { type: 'completed', result: outcome.result, peak_rss_bytes: peakRss.bytesNow(), spent };
    case 'error':
      return { type: 'failed', error: { code: outcome.code, message: outcome.message } };
    case 'aborted':
      return { type: 'aborted' };
  }
}
