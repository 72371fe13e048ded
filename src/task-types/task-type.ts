/**
 * The contract of a task type. Built-ins and the operator's own types (TASKS_DIR)
 * export one of these; the handler runs inside a worker process, in its own thread.
 */
export interface TaskContext {
  /** Reports progress (0-100). Every call is also a checkpoint. */
  progress(percent: number, info?: Record<string, unknown>): void;
  /**
   * Parks here while the task is paused and throws an AbortError once it is
   * terminated. Synchronous and cheap: call it often in CPU loops.
   */
  checkpoint(): void;
  /** Fires when the task is terminated gracefully; clean up and return or throw. */
  readonly signal: AbortSignal;
  log(message: string): void;
  /** Sleeps `ms`, reaching a checkpoint at least every 50 ms. */
  sleep(ms: number): Promise<void>;
}

export interface TaskTypeDefinition<Input extends object = any, Result = unknown> {
  /** Lower-case identifier clients use as `task_type`. */
  name: string;
  description: string;
  /** class-validator DTO of `task_data`; property initialisers are the defaults, @ApiProperty documents it. */
  input: new () => Input;
  /** Used when the request gives no `timeout_ms`. */
  defaultTimeoutMs?: number;
  /**
   * True when running the task again from the start is harmless. In the shared
   * mode, a task whose node dies is then run again on another node; otherwise it
   * becomes `interrupted`.
   */
  retrySafe?: boolean;
  run(input: Input, ctx: TaskContext): Promise<Result> | Result;
}

/** Identity helper that gives a definition its types. */
export function defineTaskType<Input extends object, Result>(
  definition: TaskTypeDefinition<Input, Result>,
): TaskTypeDefinition<Input, Result> {
  return definition;
}

export const TASK_TYPE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
