import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerToken } from './control.controller';
import type { ControlThreadData, ControlToMain, MainToControl } from './control-thread-protocol';
import { RunBoard } from './run-board';
import { RunControl } from './run-control';
import { RunFlags } from './run-flags';

/**
 * Entry of a worker's control thread: serves the control app on an OS-chosen
 * loopback port, so that status, pause and terminate are answered while a
 * handler holds the main thread. It says it is listening once it also has the
 * token, so no request the supervisor makes after `ready` is refused.
 */

/**
 * A worker leaves no orphan behind: the main thread exits when its IPC
 * channel closes, but not while a handler holds it (spinning, or parked).
 * This thread notices the supervisor is gone by the parent changing.
 */
const ORPHAN_CHECK_MS = 500;

const post = (message: ControlToMain) => parentPort!.postMessage(message);
const supervisor = process.ppid;
setInterval(() => {
  if (process.ppid !== supervisor) process.kill(process.pid, 'SIGKILL');
}, ORPHAN_CHECK_MS).unref();
const data = workerData as ControlThreadData;
const control = new RunControl(new RunBoard(data.board), new RunFlags(data.flags), post);
const token: WorkerToken = { value: null };
let markWarm!: () => void;
/** Resolves once the control app listens: all that booting compiles has been compiled. */
export const warm = new Promise<void>((resolve) => (markWarm = resolve));

const tokenKnown = new Promise<void>((resolve) => {
  parentPort!.on('message', (message: MainToControl) => {
    if (message?.type === 'token' && !token.value) {
      token.value = message.token;
      resolve();
    }
    if (message?.type === 'progress') control.onProgress(message);
  });
});

const { bootControlApp } = require('./control-app') as typeof import('./control-app');
bootControlApp(control, token).then(
  async (port) => {
    markWarm();
    await tokenKnown;
    post({ type: 'listening', port });
  },
  (error) => post({ type: 'boot_failed', message: String(error?.message ?? error) }),
);
