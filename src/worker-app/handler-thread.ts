import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { keepCompiledModules } from './compiled-modules';
import { HandlerRun } from './handler-run';
import { ThreadBaseline } from './thread-baseline';
import { ThreadReadiness } from './thread-readiness';
import type { ControlToHandler, HandlerOutcome, HandlerThreadData, HandlerToControl } from './thread-protocol';
import { TimerLedger } from './timer-ledger';

/**
 * The handler thread of a worker process: runs one task's handler at a time,
 * for as many tasks as it stays clean. After each task it is put back to how
 * it was before the first (see ThreadBaseline); when it cannot be, it says so
 * and the worker replaces it with a fresh thread.
 */

const post = (message: HandlerToControl) => parentPort!.postMessage(message);
const data = workerData as HandlerThreadData;
const readiness = new ThreadReadiness(data.readiness);
const timers = new TimerLedger();
timers.install();
keepCompiledModules();
let current: HandlerRun | null = null;

parentPort!.on('message', (message: ControlToHandler) => {
  if (message?.type === 'run' && !current) {
    const run = (current = new HandlerRun(message.data, post));
    void run.execute().then((outcome) => setImmediate(() => settle(outcome)));
  }
  if (message?.type === 'abort') current?.abort();
});

/**
 * Once the callbacks the task left for this turn have run. The outcome leaves
 * first, so the supervisor records it and picks the next task while this
 * thread is put back; the worker holds the next `run` until the thread's
 * readiness reads clean.
 */
function settle(outcome: HandlerOutcome): void {
  current = null;
  post({ type: 'outcome', outcome });
  timers.clearAll();
  const spent = baseline.restore();
  if (spent) post({ type: 'spent', reason: spent });
  else readiness.markClean();
}

// Taken once this thread's own modules are loaded and its port listens: that much every task may share.
const baseline = new ThreadBaseline();
post({ type: 'standby', nice_refused: lowerOwnPriority(data.nice) });

/**
 * Linux keeps a nice value per thread, and `setPriority` without a pid sets
 * the calling thread's: the handler gives way to the API and to its own
 * worker's control server when tasks use every core. Returns why it could not.
 */
function lowerOwnPriority(nice: number): string | null {
  try {
    setPriority(nice);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
