import type { ErrorInfo, WorkerStatus } from '../workers/worker-protocol';
import type { TaskRecord } from './task';

/** Injection token of the TaskControl port. */
export const TASK_CONTROL = Symbol('TASK_CONTROL');

/** Reaches the worker that runs a task, in this process or on another node. */
export interface TaskControl {
  /** The worker's live view, or null when no live worker runs the task. */
  status(task: TaskRecord): Promise<WorkerStatus | null>;
  control(task: TaskRecord, action: 'pause' | 'resume'): Promise<TaskRecord>;
  /** Records the task terminated and stops its worker, gracefully or at once. */
  terminate(task: TaskRecord, graceful: boolean, reason: ErrorInfo): Promise<TaskRecord>;
}
