import { join } from 'node:path';
import { requireWithCodeCache } from './code-cache';

/**
 * Entry of a bundled worker process: runs the bundle (`main.ts` and all it
 * needs) with V8's code cache. A worker that had to compile from source
 * leaves a fresh cache behind once its control app is up, so it holds the
 * functions booting needs, and the next worker skips compiling them.
 */
const bundle = requireWithCodeCache(join(__dirname, 'worker.bundle.js'));

if (bundle.cache !== 'accepted') {
  const { controlAppUp } = bundle.exports as typeof import('./main');
  // After `ready` is on its way: the supervisor is not kept waiting for the write.
  void controlAppUp.then(() => setImmediate(() => bundle.saveCache()));
}
