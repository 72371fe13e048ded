/**
 * The files `npm run build` bundles a worker's two threads into, beside
 * `boot.js` (scripts/bundle-worker.js). Without them, as after a plain `tsc`,
 * a worker runs its modules as they are, only slower to boot.
 */
export const WORKER_BUNDLE = 'worker.bundle.js';
export const CONTROL_BUNDLE = 'control.bundle.js';
