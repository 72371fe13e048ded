/** Messages between the worker's control thread and its handler thread. */

export interface HandlerThreadData {
  module: string;
  input: Record<string, unknown>;
  flags: SharedArrayBuffer;
  maxResultBytes: number;
}

/** Control thread -> handler thread. */
export type ControlToHandler = { type: 'run' } | { type: 'abort' };

/** Handler thread -> control thread. */
export type HandlerToControl =
  | { type: 'progress'; progress: number; info: Record<string, unknown> | null }
  | { type: 'parked' }
  | { type: 'unparked' }
  | { type: 'log'; message: string }
  | { type: 'result'; result: unknown }
  | { type: 'error'; code: string; message: string }
  | { type: 'aborted' };
