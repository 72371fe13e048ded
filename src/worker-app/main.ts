// First: the control thread starts as this loads, and boots while the rest of the imports load.
import { board, controlThread, flags } from './control-thread-start';
import { setPriority } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import type { WorkerMessage } from '../workers/worker-protocol';
import { keepCompiledModules } from './compiled-modules';
import type { ControlToMain, MainToControl } from './control-thread-protocol';
import { ThreadBaseline } from './thread-baseline';
import { TimerLedger } from './timer-ledger';
import { WorkerHost } from './worker-host';
import { WorkerLifecycle } from './worker-lifecycle';

/**
 * Entry of a worker process. Its main thread runs the tasks it is given, one
 * at a time; a control thread serves the control app. Once that listens and
 * the supervisor's token is in, the worker reports `ready`, and serves until
 * it is told to go (IPC disconnect) or killed. This file wires the process
 * and the thread to WorkerLifecycle (the handshake, and when to go) and to
 * WorkerHost (the tasks).
 */

/**
 * How much bytecode a function runs before V8 considers optimizing it (V8's
 * default is 132 KB). A worker runs the same short path task after task, and
 * with the default it took thousands of tasks to get fast; each fresh worker
 * started slow again. Set as the first task comes: boot code, run once, is
 * not optimized for nothing (from the start, that cost an idle worker 5 MB),
 * and the control thread's code cache was written before, under the flags a
 * worker starts with (V8 refuses a cache written under other flags).
 */
const TASK_INTERRUPT_BUDGET = 16 * 1024;

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.connected) return process.exit(1);
  process.send!(message, undefined, {}, (error) => (error ? process.exit(1) : then?.()));
}

// Before anything a task loads: its timers are recorded, and its modules compiled once.
const timers = new TimerLedger();
timers.install();
keepCompiledModules();

const toControl = (message: MainToControl) => controlThread.postMessage(message);
const host = new WorkerHost({ report: (message) => send(message), toControl, board, flags, timers, abandon: (reason) => lifecycle.abandon(reason) });
const lifecycle = new WorkerLifecycle({
  send,
  exit: (code) => process.exit(code),
  toControl,
  host,
  takeBaseline: () => new ThreadBaseline(),
  lowerPriority: lowerOwnPriority,
  // Node leaves V8's flags open to change after start; a function takes the new budget when its current one runs out.
  tuneForTasks: () => setFlagsFromString(`--interrupt-budget=${TASK_INTERRUPT_BUDGET}`),
});

// Without its supervisor a worker has no purpose: leave no orphan behind.
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (error) => send(host.crashed(error), () => process.exit(1)));
// A handler that calls process.exit: its task fails as HANDLER_EXITED, not as a lost worker. Node tries an
// IPC write at once, so this one leaves before the process ends.
process.on('exit', (code) => {
  const outcome = host.exiting(code);
  if (outcome && process.connected) process.send!(outcome);
});
process.on('message', (raw) => lifecycle.onSupervisor(raw));

controlThread.on('message', (message: ControlToMain) => lifecycle.onControl(message));
controlThread.on('error', (error) => lifecycle.controlLost(error.message));
controlThread.on('exit', (code) => lifecycle.controlLost(`it exited with code ${code}`));
controlThread.unref();

/**
 * Linux keeps a nice value per thread, and `setPriority` without a pid sets
 * the calling thread's: handlers give way to the API and to the control
 * thread, started before at the service's priority, when tasks use every
 * core. Returns why it could not.
 */
function lowerOwnPriority(value: number): string | null {
  try {
    setPriority(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

send({ type: 'online' });
