/** Messages between the worker's control thread and its handler thread. */

/** What a handler thread needs to run one task; it arrives with `run`, so the thread can start before the task is known. */
export interface HandlerRunData {
  module: string;
  input: Record<string, unknown>;
  flags: SharedArrayBuffer;
  maxResultBytes: number;
}

/** What a handler thread is started with. */
export interface HandlerThreadData {
  nice: number;
}

/** Control thread -> handler thread. */
export type ControlToHandler = { type: 'run'; data: HandlerRunData } | { type: 'abort' };

/** How a task's handler ended. */
export type HandlerOutcome =
  | { type: 'result'; result: unknown }
  | { type: 'error'; code: string; message: string }
  | { type: 'aborted' };

/** Handler thread -> control thread. */
export type HandlerToControl =
  /** The thread has booted and waits for its first task; `nice_refused` says why it could not take its nice value. */
  | { type: 'standby'; nice_refused: string | null }
  | { type: 'progress'; progress: number; info: Record<string, unknown> | null }
  | { type: 'parked' }
  | { type: 'unparked' }
  | { type: 'log'; message: string }
  /** The task's end; `restored` follows. */
  | { type: 'outcome'; outcome: HandlerOutcome }
  /**
   * The thread has been put back after the task: `spent` is null when it is as
   * it was before the task and takes the next, else what the task left that
   * cannot be undone (the thread must not serve again).
   */
  | { type: 'restored'; spent: string | null };
