import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { TaskAssignment, WorkerMessage } from '../workers/worker-protocol';
import { TaskRun } from './task-run';

const HANDLER_THREAD = join(__dirname, 'handler-thread.js');
const OUTCOMES = new Set<WorkerMessage['type']>(['completed', 'failed', 'aborted']);

/** A handler thread started ahead of its task, and when it has booted. */
interface SpareThread {
  thread: Worker;
  booted: Promise<void>;
}

/**
 * The tasks of one worker process, one at a time. Each task gets a thread of
 * its own, booted ahead: the next task's thread boots while the current task
 * runs, so a task only has to hand its thread the input. After the outcome
 * the task's thread is torn down, and `idle` waits until the next one is up.
 */
export class WorkerHost {
  private current: TaskRun | null = null;
  private spare!: SpareThread;

  constructor(private readonly report: (message: WorkerMessage) => void) {}

  /** Boots the first handler thread; called once the control app is up, so the two do not compete for the CPU. */
  prepare(): void {
    this.spare ??= this.startThread();
  }

  /** The task running now, if any. */
  get run(): TaskRun | null {
    return this.current;
  }

  start(task: TaskAssignment): void {
    if (this.current) return;
    this.prepare();
    const { thread } = this.spare;
    thread.removeAllListeners('exit');
    this.current = new TaskRun(task, thread, (message) => {
      this.report(message);
      if (OUTCOMES.has(message.type)) void this.retire(thread);
    });
    this.current.run();
    // After the task is on its way: starting a thread takes this thread a few milliseconds.
    setImmediate(() => (this.spare = this.startThread()));
  }

  private async retire(thread: Worker): Promise<void> {
    // Whatever the handler left behind (timers, sockets, globals) dies with its thread.
    // Immediates run in order: once this one has, `start` has replaced the spare.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([thread.terminate(), this.spare.booted]);
    this.current = null;
    this.report({ type: 'idle' });
  }

  private startThread(): SpareThread {
    const thread = new Worker(HANDLER_THREAD);
    const booted = new Promise<void>((resolve) => {
      thread.once('message', () => resolve());
      thread.once('exit', () => resolve());
    });
    // A spare that dies unused is replaced; a used one is watched by its TaskRun.
    thread.once('exit', () => {
      if (this.spare.thread === thread) this.spare = this.startThread();
    });
    thread.on('error', () => {});
    thread.unref();
    return { thread, booted };
  }
}
