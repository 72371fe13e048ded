import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { TaskAssignment, WorkerMessage } from '../workers/worker-protocol';
import { TaskRun } from './task-run';

const HANDLER_THREAD = join(__dirname, 'handler-thread.js');
const OUTCOMES = new Set<WorkerMessage['type']>(['completed', 'failed', 'aborted']);

/**
 * The tasks of one worker process, one at a time. A handler thread is always
 * started ahead, so a task only has to hand it its input; after the outcome
 * that thread is torn down and the next one started before reporting `idle`.
 */
export class WorkerHost {
  private current: TaskRun | null = null;
  private spare: Worker;

  constructor(private readonly report: (message: WorkerMessage) => void) {
    this.spare = this.startThread();
  }

  /** The task running now, if any. */
  get run(): TaskRun | null {
    return this.current;
  }

  start(task: TaskAssignment): void {
    if (this.current) return;
    const thread = this.spare;
    thread.removeAllListeners('exit');
    this.current = new TaskRun(task, thread, (message) => {
      this.report(message);
      if (OUTCOMES.has(message.type)) void this.retire(thread);
    });
    this.current.run();
  }

  private async retire(thread: Worker): Promise<void> {
    // Whatever the handler left behind (timers, sockets, globals) dies with its thread.
    await thread.terminate();
    this.spare = this.startThread();
    this.current = null;
    this.report({ type: 'idle' });
  }

  private startThread(): Worker {
    const thread = new Worker(HANDLER_THREAD);
    // A spare thread that dies unused is replaced; a used one is watched by its TaskRun.
    thread.once('exit', () => {
      if (this.spare === thread && !this.current) this.spare = this.startThread();
    });
    thread.on('error', () => {});
    thread.unref();
    return thread;
  }
}
