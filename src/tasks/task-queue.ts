import type { TaskRecord } from './task';

/** Injection token of the TaskQueue port. */
export const TASK_QUEUE = Symbol('TASK_QUEUE');

/** Where stored tasks wait for a worker: the embedded dispatcher, or BullMQ in the shared mode. */
export interface TaskQueue {
  /** False once shutdown has begun: new tasks are refused. */
  readonly accepting: boolean;
  /** Hands stored, queued tasks over for running. Throws StoreUnavailableError when it cannot. */
  enqueue(tasks: readonly TaskRecord[]): Promise<void>;
  /** Drops a task cancelled while it waited. Best effort: a runner skips tasks that are no longer queued. */
  discard(taskId: string): Promise<void>;
}
