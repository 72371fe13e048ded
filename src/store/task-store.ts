import type { TaskPatch, TaskRecord, TaskStatus } from '../tasks/task';

/** Injection token of the TaskStore port. */
export const TASK_STORE = Symbol('TASK_STORE');
/**
 * The same store for writes that must not be lost (a worker's outcome): while
 * the store is unreachable they wait for it instead of failing.
 */
export const PATIENT_TASK_STORE = Symbol('PATIENT_TASK_STORE');

export interface TaskListQuery {
  status?: TaskStatus;
  task_type?: string;
  limit: number;
  /** Opaque cursor from a previous page's `next_cursor`. */
  cursor?: string;
}

export interface TaskPage {
  tasks: TaskRecord[];
  next_cursor: string | null;
}

export type NewTask = Pick<
  TaskRecord,
  'task_id' | 'task_type' | 'task_data' | 'priority' | 'timeout_ms' | 'created_at'
>;

/**
 * Where tasks live. Every state change goes through `transition`, an atomic
 * compare-and-set on the status, so two racing outcomes record exactly one.
 */
export interface TaskStore {
  /** Stores a new queued task; null, storing nothing, when `maxQueued` tasks already wait. */
  insert(task: NewTask, maxQueued?: number): Promise<TaskRecord | null>;
  /** Stores new queued tasks, all or none: null, storing nothing, when they would take the queue past `maxQueued`. */
  insertMany(tasks: readonly NewTask[], maxQueued?: number): Promise<TaskRecord[] | null>;
  get(taskId: string): Promise<TaskRecord | null>;
  list(query: TaskListQuery): Promise<TaskPage>;
  /**
   * Moves the task to `to` if its status is one of `from`, applying `patch`.
   * Returns the updated record, or null when the task is missing or was not in `from`.
   * With `attempt`, only while the task is on that attempt: a node's late
   * write, after the task was claimed again elsewhere, changes nothing.
   */
  transition(taskId: string, from: readonly TaskStatus[], to: TaskStatus, patch?: TaskPatch, attempt?: number): Promise<TaskRecord | null>;
  /**
   * `transition` for a caller that needs no record back: true when it
   * applied. A large result is then written without being read back.
   */
  tryTransition(taskId: string, from: readonly TaskStatus[], to: TaskStatus, patch?: TaskPatch, attempt?: number): Promise<boolean>;
  /** Records progress while the task is running or paused (and, with `attempt`, on that attempt); ignored otherwise. */
  setProgress(taskId: string, progress: number, info: Record<string, unknown> | null, attempt?: number): Promise<void>;
  /** Moves this queued task to `starting`, counting an attempt; null when it was not queued. */
  claim(taskId: string, patch?: TaskPatch): Promise<TaskRecord | null>;
  /** Moves the most urgent queued task (priority, then age) to `starting` and returns it. */
  claimNext(): Promise<TaskRecord | null>;
  countByStatus(): Promise<Partial<Record<TaskStatus, number>>>;
  countQueued(): Promise<number>;
  /** Tasks a worker exists for (starting, running, paused). */
  listActive(): Promise<TaskRecord[]>;
  /** Marks every active task interrupted: a previous process left them without a worker. */
  interruptActive(reason: string, finishedAt: string): Promise<number>;
  /** Deletes tasks that finished before `finishedBefore`. */
  pruneFinished(finishedBefore: string): Promise<number>;
  /** Throws when the store cannot be written. */
  checkWritable(): Promise<void>;
  /** Where the history of writes stands now: pass it to `durable`. */
  writeMark(): number;
  /**
   * Settles once every write made so far is durable; rejects when a write made
   * since `since` was lost. SQLite commits the writes of one event-loop turn
   * together (writes return before that); Redis writes are durable when they return.
   */
  durable(since: number): Promise<void>;
  close(): Promise<void>;
}
