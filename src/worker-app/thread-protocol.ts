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
  /** A ThreadReadiness cell: the thread marks it clean once put back after a task. */
  readiness: SharedArrayBuffer;
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
  /** The task's end. The thread is then put back, and marks its ThreadReadiness clean, or sends `spent`. */
  | { type: 'outcome'; outcome: HandlerOutcome }
  /** What the last task left that cannot be undone: the thread must not serve again. */
  | { type: 'spent'; reason: string };
