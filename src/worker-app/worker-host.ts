import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { TaskAssignment, WorkerMessage } from '../workers/worker-protocol';
import { TaskRun } from './task-run';
import type { HandlerThreadData, HandlerToControl } from './thread-protocol';
import { ThreadReadiness } from './thread-readiness';

const HANDLER_THREAD = join(__dirname, 'handler-thread.js');
const OUTCOMES = new Set<WorkerMessage['type']>(['completed', 'failed', 'aborted']);
/**
 * A thread that has served tasks holds on to the heap they grew; once the
 * worker has been idle this long it is swapped for a fresh one, which gives
 * that memory back (a thread costs a few tens of ms of CPU to start).
 */
const REFRESH_IDLE_THREAD_MS = 5000;

/**
 * The tasks of one worker process, one at a time, each in the process's
 * handler thread so this thread (and the control server on it) stays free.
 * The thread serves task after task while it comes back clean; one that a
 * task has left unclean, or that failed, is replaced before the next task.
 * The worker reports a task's outcome as soon as the handler returns: the
 * thread is put back while the supervisor records the outcome, and the next
 * task waits only if it arrives before that is done (see ThreadReadiness).
 */
export class WorkerHost {
  private current: TaskRun | null = null;
  private thread: Worker | null = null;
  private readiness = new ThreadReadiness();
  /** The task whose thread is being put back, for the log should it be replaced. */
  private restoringAfter: string | null = null;
  /** Whether the thread has run a task since it started. */
  private used = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  private niceRefusalReported = false;
  /** WORKER_NICE, for the handler threads only: this thread, with the control server, keeps the service's priority. */
  handlerNice = 0;

  constructor(private readonly report: (message: WorkerMessage) => void) {}

  /** Boots the handler thread; called once the control app is up, so the two do not compete for the CPU. */
  prepare(): void {
    if (!this.thread) this.startThread();
  }

  /** The task running now, if any. */
  get run(): TaskRun | null {
    return this.current;
  }

  start(task: TaskAssignment): void {
    if (this.current) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const run = new TaskRun(task, (message) => this.thread?.postMessage(message), (message) => {
      this.report(message);
      if (OUTCOMES.has(message.type)) this.retire(message.type === 'completed');
    });
    this.current = run;
    // Mostly clean already: the run goes on in this turn, with no wait and no message.
    void this.readiness.whenClean().then(() => {
      if (this.current !== run) return;
      this.prepare();
      this.used = true;
      this.readiness.markBusy();
      run.run();
    });
  }

  /** After a task's outcome, which told the supervisor the worker is free for the next task. */
  private retire(completed: boolean): void {
    this.current = null;
    if (!completed) {
      // The supervisor recycles a process whose task failed: a thread started now, or refreshed
      // later, would die unused. Should the process serve again after all, `start` boots one.
      this.dropThread();
      return;
    }
    this.refreshTimer = setTimeout(() => this.refreshIdleThread(), REFRESH_IDLE_THREAD_MS);
    this.refreshTimer.unref();
  }

  private refreshIdleThread(): void {
    if (this.current || !this.used) return;
    this.dropThread();
    this.startThread();
    // V8 keeps the heap pages thousands of tasks' messages grew, idle or not; a full collection now hands them back.
    (globalThis as { gc?: () => void }).gc?.();
  }

  /** Stops the thread without it counting as lost: its exit is no longer watched. */
  private dropThread(): void {
    const thread = this.thread;
    this.forgetThread();
    thread?.terminate().catch(() => {});
  }

  /** A run waiting for the old thread to be put back goes on, to the next thread. */
  private forgetThread(): void {
    this.thread = null;
    const waiting = this.readiness;
    this.readiness = new ThreadReadiness();
    waiting.markClean();
  }

  private startThread(): void {
    const data: HandlerThreadData = { nice: this.handlerNice, readiness: this.readiness.buffer };
    const thread = new Worker(HANDLER_THREAD, { workerData: data });
    this.thread = thread;
    this.used = false;
    thread.on('message', (message: HandlerToControl) => {
      if (thread === this.thread) this.onThreadMessage(message);
    });
    thread.on('error', (error) => {
      if (thread === this.thread && this.current?.started) this.current.threadLost(error, 1);
    });
    thread.on('exit', (code) => {
      if (thread !== this.thread) return;
      this.forgetThread();
      // A task still waiting for the thread takes the fresh one.
      if (this.current?.started) this.current.threadLost(null, code);
      else this.startThread();
    });
    thread.unref();
  }

  private onThreadMessage(message: HandlerToControl): void {
    switch (message.type) {
      case 'standby':
        if (message.nice_refused && !this.niceRefusalReported) {
          this.niceRefusalReported = true;
          this.report({ type: 'log', message: `WORKER_NICE=${this.handlerNice} could not be applied (${message.nice_refused}); handlers run at the service's priority` });
        }
        return;
      case 'outcome':
        this.restoringAfter = this.current?.task.task_id ?? null;
        return this.current?.onHandlerMessage(message);
      case 'spent':
        // Replaced at once, so the next task finds a fresh thread booted.
        this.report({ type: 'log', message: `handler thread replaced: ${message.reason} (after task ${this.restoringAfter})` });
        this.dropThread();
        return this.startThread();
      default:
        this.current?.onHandlerMessage(message);
    }
  }
}
