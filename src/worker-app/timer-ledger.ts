import timers = require('node:timers');

type TimerFactory = (callback: (...args: any[]) => void, ...rest: any[]) => NodeJS.Timeout;

/**
 * The timeouts and intervals a task creates, so that the ones it leaves
 * behind can be cleared when it ends, `unref()`ed ones included (Node lists
 * those nowhere). Installed once in the worker, before anything a
 * task loads: `setTimeout` and `setInterval`, global and from `node:timers`,
 * become recording versions of themselves.
 */
export class TimerLedger {
  private readonly live = new Set<NodeJS.Timeout>();
  /** Node's own, taken before `install` replaces it. */
  private readonly unrecordedTimeout = timers.setTimeout;

  install(): void {
    const setTimeoutRecorded = this.recording(timers.setTimeout as TimerFactory, true);
    const setIntervalRecorded = this.recording(timers.setInterval as TimerFactory, false);
    for (const target of [globalThis, timers] as Record<string, unknown>[]) {
      target.setTimeout = setTimeoutRecorded;
      target.setInterval = setIntervalRecorded;
    }
  }

  /** A timer of the worker's own: never recorded, never cleared with a task's, and it keeps no process alive. */
  schedule(callback: () => void, ms: number): NodeJS.Timeout {
    return this.unrecordedTimeout(callback, ms).unref();
  }

  /** Clears every timer still pending. */
  clearAll(): void {
    for (const timer of this.live) clearTimeout(timer);
    this.live.clear();
  }

  private recording(original: TimerFactory, firesOnce: boolean): TimerFactory {
    const live = this.live;
    const recorded = function (this: unknown, callback: (...args: any[]) => void, ...rest: any[]): NodeJS.Timeout {
      // Node's own argument errors, as they would be without the ledger.
      if (typeof callback !== 'function') return original.call(this, callback, ...rest);
      const timer: NodeJS.Timeout = original.call(
        this,
        firesOnce
          ? function (this: unknown, ...args: unknown[]) {
              live.delete(timer);
              return callback.apply(this, args);
            }
          : callback,
        ...rest,
      );
      live.add(timer);
      return timer;
    };
    // Keeps name, length and util.promisify's custom form (`await promisify(setTimeout)(ms)`).
    Object.defineProperties(recorded, Object.getOwnPropertyDescriptors(original));
    return recorded as TimerFactory;
  }
}
