import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskContext } from '../task-types/task-type';
import { loadTaskHandler } from './load-task-handler';
import type { RunFlags } from './run-flags';

/** What the worker needs to run one task's handler. */
export interface HandlerRunData {
  module: string;
  input: Record<string, unknown>;
  maxResultBytes: number;
}

/** What a handler does while it runs, for the supervisor (and its progress for the control thread). */
export type HandlerEvent =
  | { type: 'progress'; progress: number; info: Record<string, unknown> | null }
  | { type: 'parked' }
  | { type: 'unparked' }
  | { type: 'log'; message: string };

/** How a task's handler ended. */
export type HandlerOutcome =
  | { type: 'result'; result: unknown }
  | { type: 'error'; code: string; message: string }
  | { type: 'aborted' };

/** Progress leaves the handler at most this often; the last value is never lost. */
const PROGRESS_EVERY_MS = 50;
const SLEEP_SLICE_MS = 50;
/** Taken as this loads: a handler may assign the `Buffer` global (undone after its task). */
const { byteLength } = Buffer;

/** One task's handler: its context, its checkpoints, and its outcome. */
export class HandlerRun {
  /**
   * Made when first needed (the handler reads `ctx.signal` or sleeps, or the
   * task is terminated): most tasks never look at it, and making one costs a
   * few microseconds of a short task's cycle.
   */
  private abortController: AbortController | null = null;
  private pendingProgress: HandlerEvent | null = null;
  private lastProgressAt = 0;
  /** Sends a held-back value once the handler yields, so a task that reports and then waits is not shown stale. */
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly data: HandlerRunData,
    private readonly flags: RunFlags,
    /** This task's run (RunBoard): the requests it heeds are for it alone. */
    private readonly run: number,
    private readonly post: (event: HandlerEvent) => void,
  ) {}

  abort(): void {
    if (!this.signal.aborted) this.abortController!.abort();
  }

  /** Runs the handler; resolves with its outcome, never rejects. */
  async execute(): Promise<HandlerOutcome> {
    try {
      const handler = loadTaskHandler(this.data.module);
      const pending = handler(this.data.input, this.context());
      // Terminated before its handler could listen (while its module loaded): the signal fires now.
      if (this.flags.abortRequested(this.run)) this.abort();
      const result = await pending;
      this.flushProgress();
      const size = byteLength(JSON.stringify(result ?? null));
      if (size > this.data.maxResultBytes) {
        return { type: 'error', code: 'RESULT_TOO_LARGE', message: `result is ${size} bytes; the limit is ${this.data.maxResultBytes}` };
      }
      return { type: 'result', result: result ?? null };
    } catch (error) {
      this.flushProgress();
      if (this.flags.abortRequested(this.run) || this.abortController?.signal.aborted) return { type: 'aborted' };
      return { type: 'error', code: 'HANDLER_ERROR', message: error instanceof Error ? error.message : String(error) };
    }
  }

  private get signal(): AbortSignal {
    return (this.abortController ??= new AbortController()).signal;
  }

  private context(): TaskContext {
    const checkpoint = () => this.checkpoint();
    const run = this;
    return {
      progress: (percent, info) => this.progress(percent, info),
      checkpoint,
      get signal() {
        return run.signal;
      },
      log: (message) => this.post({ type: 'log', message: String(message) }),
      async sleep(ms) {
        const until = performance.now() + ms;
        for (let left = ms; left > 0; left = until - performance.now()) {
          checkpoint();
          await sleep(Math.min(left, SLEEP_SLICE_MS), undefined, { signal: run.signal });
        }
        checkpoint();
      },
    };
  }

  private checkpoint(): void {
    const { flags, run } = this;
    if (flags.pauseRequested(run) && !flags.abortRequested(run)) {
      this.flushProgress();
      this.post({ type: 'parked' });
      flags.waitWhilePaused(run);
      this.post({ type: 'unparked' });
    }
    if (flags.abortRequested(run)) {
      this.abort();
      throw this.signal.reason;
    }
  }

  private progress(percent: number, info?: Record<string, unknown>): void {
    const progress = Math.min(100, Math.max(0, Number(percent) || 0));
    this.pendingProgress = { type: 'progress', progress, info: info ?? null };
    const sinceLast = performance.now() - this.lastProgressAt;
    if (sinceLast >= PROGRESS_EVERY_MS) this.flushProgress();
    else this.flushTimer ??= setTimeout(() => this.flushProgress(), PROGRESS_EVERY_MS - sinceLast);
    this.checkpoint();
  }

  private flushProgress(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pendingProgress) this.post(this.pendingProgress);
    this.pendingProgress = null;
    this.lastProgressAt = performance.now();
  }
}
