import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { CONTROL_BUNDLE } from './bundle-files';
import type { ControlThreadData } from './control-thread-protocol';
import { RunBoard } from './run-board';
import { RunFlags } from './run-flags';

/**
 * Starts a worker's control thread as this module loads. `main.ts` imports it
 * first, before the modules that run tasks: Node takes tens of milliseconds to
 * start a thread (a cold boot's largest step after the process itself), and
 * loading the rest of the main thread's bundle now happens meanwhile instead
 * of before.
 */

/** `boot.js` runs whichever bundle its thread needs. */
const controlBundle = join(__dirname, CONTROL_BUNDLE);
const bundled = existsSync(controlBundle);
const CONTROL_ENTRY = bundled ? join(__dirname, 'boot.js') : join(__dirname, 'control-thread.js');

/**
 * Booting Nest grows the control thread's young generation to several MB that
 * V8 keeps for seconds after; the app then serves a few small requests at a
 * time. Capped, an idle worker holds about 2 MB less.
 */
const CONTROL_YOUNG_GENERATION_MB = 2;

export const board = new RunBoard();
export const flags = new RunFlags();
const handover = bundled ? new MessageChannel() : null;
const controlData: ControlThreadData = { board: board.buffer, flags: flags.buffer, ...(handover && { bundled: { file: controlBundle, handover: handover.port2 } }) };
export const controlThread = new Worker(CONTROL_ENTRY, {
  workerData: controlData,
  transferList: handover ? [handover.port2] : [],
  resourceLimits: { maxYoungGenerationSizeMb: CONTROL_YOUNG_GENERATION_MB },
});
// Required only now, so that nothing it loads delays the thread's start; done at once, while the thread starts
// (tens of milliseconds; this takes a few), so the thread finds it ready.
if (handover) (require('./code-cache') as typeof import('./code-cache')).passSourceAndCache(handover.port1, controlBundle);
