import type { MessagePort } from 'node:worker_threads';

/**
 * Messages between a worker's main thread, which runs the handlers, and its
 * control thread, which serves the control app. What changes with every task
 * (which task runs, pause, abort, parked) is shared memory instead: RunBoard
 * and RunFlags. A receiver drops what it does not recognise.
 */

/** What the control thread is started with. */
export interface ControlThreadData {
  /** A RunBoard: the task running now. */
  board: SharedArrayBuffer;
  /** RunFlags: pause and abort requests, and whether the handler is parked. */
  flags: SharedArrayBuffer;
  /** The control thread's bundle, and where the main thread hands over it and its code cache once read (code-cache.ts); absent when not bundled. */
  bundled?: { file: string; handover: MessagePort };
}

/** Main thread -> control thread. */
export type MainToControl =
  /** The secret every control request must carry; the control thread says it is up only once it has it. */
  | { type: 'token'; token: string }
  /** A task's latest progress, at most every 50 ms; `run` is its RunIdentity's. */
  | { type: 'progress'; run: number; progress: number; info: Record<string, unknown> | null };

/** Control thread -> main thread. */
export type ControlToMain =
  | { type: 'listening'; port: number }
  | { type: 'boot_failed'; message: string }
  /** Terminate: fires the handler's AbortSignal, which a handler that awaits may be listening to. */
  | { type: 'abort' };
