import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

/**
 * A full garbage collection, for a process gone quiet to hand back the heap
 * a busy spell grew: an idle worker, or the API after a burst. Neither starts
 * with `--expose-gc`: V8 refuses Node's code cache for Node's own modules
 * under flags other than those Node was built with, and each worker thread
 * then compiled them from source (about a sixth of a cold boot). The flag is
 * set when the first collection is due, long after boot, for one context
 * made to hand `gc` over; the process's own globals stay as they were.
 *
 * `compact`: a plain full collection frees what is dead but keeps every page
 * a survivor still sits on, and after a burst of requests those are most of
 * them. Compacting moves the survivors together so the emptied pages go back
 * to the system, as V8's memory reducer does when it runs (which may be never
 * in a quiet spell). Node 20's `gc()` takes no option for it; V8 reads the
 * flag at each collection, so it is on for this one only. About three times
 * the pause of a plain one.
 */
export function collectAllGarbage(options: { compact?: boolean } = {}): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
    // Off again: contexts made later (a handler's, a test runner's) get no `gc` of their own.
    setFlagsFromString('--no-expose-gc');
  }
  if (!options.compact) return gc();
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}
