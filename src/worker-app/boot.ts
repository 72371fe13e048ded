import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { requireWithCodeCache } from './code-cache';

/**
 * Entry of a bundled worker's two threads: runs the thread's bundle (the
 * main thread's, or the control thread's with the Nest app) with V8's code
 * cache. A thread that had to compile from source leaves a fresh cache behind
 * once it is warm, so the cache holds the functions booting needs, and the
 * next worker skips compiling them.
 */
const bundle = requireWithCodeCache(join(__dirname, isMainThread ? 'worker.bundle.js' : 'control.bundle.js'));

if (bundle.cache !== 'accepted') {
  const { warm } = bundle.exports as { warm: Promise<void> };
  // At once, before the worker takes a task (which changes V8's flags, see main.ts): the main thread has
  // reported `ready` by then; the control thread reports `listening` just after, so the first boot after a
  // build is a few ms longer.
  void warm.then(() => bundle.saveCache());
}
