import { isMainThread, workerData } from 'node:worker_threads';
import type { ControlThreadData } from './control-thread-protocol';

/**
 * Entry of a bundled worker's two threads. The control thread, on a cold
 * boot's critical path, runs its bundle (the Nest app) with V8's code cache:
 * a thread that had to compile from source leaves a fresh cache behind once
 * it is warm, so the cache holds the functions booting needs, and the next
 * worker skips compiling them. The main thread reads and checks both files
 * for it while it starts (control-thread-start.ts). The main thread's own
 * bundle is small, and starting the control thread soon matters more to it
 * than compiling fast: it is required as it is.
 */
if (isMainThread) {
  // WORKER_BUNDLE (bundle-files.ts), written out: every file this one loads is on every cold boot's path.
  require('./worker.bundle.js');
} else {
  const { requireWithCodeCache, takeSourceAndCache, readSourceAndCache } = require('./code-cache') as typeof import('./code-cache');
  const { file, handover } = (workerData as ControlThreadData).bundled!;
  const bundle = requireWithCodeCache(file, { source: () => takeSourceAndCache(handover) || readSourceAndCache(file) });
  if (bundle.cache !== 'accepted') {
    const { warm } = bundle.exports as { warm: Promise<void> };
    // Before `listening`, so before the worker takes a task (which changes V8's flags, see main.ts).
    void warm.then(() => bundle.saveCache());
  }
}
