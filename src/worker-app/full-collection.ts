import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

/**
 * A full garbage collection, for a worker gone idle to hand back the heap its
 * tasks grew. Workers do not start with `--expose-gc`: V8 refuses Node's code
 * cache for its own modules under flags other than those Node was built
 * with, and each worker thread then compiled them from source (about a sixth
 * of a cold boot). The flag is set when the first collection is due, long
 * after boot; V8 gives `gc` to contexts made from then on, so one made for it
 * hands it over, and the worker's own globals stay as they were.
 */
export function collectAllGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
