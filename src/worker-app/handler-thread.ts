import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import type { TaskContext } from '../task-types/task-type';
import { loadTaskHandler } from './load-task-handler';
import { RunFlags } from './run-flags';
import type { ControlToHandler, HandlerRunData, HandlerToControl } from './thread-protocol';

/**
 * One task's handler, in a thread of its own. Threads are started ahead of
 * their task and used once: every task gets a fresh module registry and
 * fresh globals, so nothing leaks from one task to the next.
 */

/** Progress reaches the control thread at most this often; the last value is never lost. */
const PROGRESS_EVERY_MS = 50;
const SLEEP_SLICE_MS = 50;

let data!: HandlerRunData;
let flags!: RunFlags;
const abort = new AbortController();
const post = (message: HandlerToControl) => parentPort!.postMessage(message);

let pendingProgress: HandlerToControl | null = null;
let lastProgressAt = 0;
/** Sends a held-back value once the handler yields, so a task that reports and then waits is not shown stale. */
let flushTimer: NodeJS.Timeout | null = null;

function flushProgress(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  if (pendingProgress) post(pendingProgress);
  pendingProgress = null;
  lastProgressAt = performance.now();
}

function checkpoint(): void {
  if (flags.pauseRequested && !flags.abortRequested) {
    flushProgress();
    post({ type: 'parked' });
    flags.waitWhilePaused();
    post({ type: 'unparked' });
  }
  if (flags.abortRequested) {
    if (!abort.signal.aborted) abort.abort();
    throw abort.signal.reason;
  }
}

const ctx: TaskContext = {
  progress(percent, info) {
    const progress = Math.min(100, Math.max(0, Number(percent) || 0));
    pendingProgress = { type: 'progress', progress, info: info ?? null };
    const sinceLast = performance.now() - lastProgressAt;
    if (sinceLast >= PROGRESS_EVERY_MS) flushProgress();
    else flushTimer ??= setTimeout(flushProgress, PROGRESS_EVERY_MS - sinceLast);
    checkpoint();
  },
  checkpoint,
  signal: abort.signal,
  log(message) {
    post({ type: 'log', message: String(message) });
  },
  async sleep(ms) {
    const until = performance.now() + ms;
    for (let left = ms; left > 0; left = until - performance.now()) {
      checkpoint();
      await sleep(Math.min(left, SLEEP_SLICE_MS), undefined, { signal: abort.signal });
    }
    checkpoint();
  },
};

parentPort!.on('message', (message: ControlToHandler) => {
  if (message?.type === 'run' && !data) {
    data = message.data;
    flags = new RunFlags(data.flags);
    void main();
  }
  if (message?.type === 'abort' && !abort.signal.aborted) abort.abort();
});

post({ type: 'standby' });

function serialisedSize(result: unknown): number {
  return Buffer.byteLength(JSON.stringify(result ?? null));
}

async function main(): Promise<void> {
  try {
    const run = loadTaskHandler(data.module);
    const result = await run(data.input, ctx);
    flushProgress();
    const size = serialisedSize(result);
    if (size > data.maxResultBytes) {
      post({ type: 'error', code: 'RESULT_TOO_LARGE', message: `result is ${size} bytes; the limit is ${data.maxResultBytes}` });
      return;
    }
    post({ type: 'result', result: result ?? null });
  } catch (error) {
    flushProgress();
    if (flags.abortRequested || abort.signal.aborted) post({ type: 'aborted' });
    else post({ type: 'error', code: 'HANDLER_ERROR', message: error instanceof Error ? error.message : String(error) });
  }
}
