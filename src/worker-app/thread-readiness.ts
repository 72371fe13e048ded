const BUSY = 0;
const CLEAN = 1;

/**
 * Whether the handler thread is clean again after its last task, in shared
 * memory rather than a message: a message would wake the control thread
 * once per task only to note it, which on these machines costs more CPU than
 * a small task itself. The control thread reads the cell when the next task
 * comes, and waits on it only in the rare case that the thread is not yet
 * done. A thread that cannot be put back says so in a message instead
 * (`spent`), and its cell stays busy until the control thread releases it.
 */
export class ThreadReadiness {
  private readonly cell: Int32Array;

  /** A fresh thread is clean. */
  constructor(readonly buffer: SharedArrayBuffer = ThreadReadiness.cleanBuffer()) {
    this.cell = new Int32Array(buffer);
  }

  private static cleanBuffer(): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    Atomics.store(new Int32Array(buffer), 0, CLEAN);
    return buffer;
  }

  get clean(): boolean {
    return Atomics.load(this.cell, 0) === CLEAN;
  }

  /** Control thread, before it hands the thread a task. */
  markBusy(): void {
    Atomics.store(this.cell, 0, BUSY);
  }

  /** Handler thread, once put back; control thread, to release a waiter when the thread is dropped. */
  markClean(): void {
    Atomics.store(this.cell, 0, CLEAN);
    // Wakes nobody, at no cost, unless the control thread is already waiting.
    Atomics.notify(this.cell, 0);
  }

  /** Settles once the cell reads clean; at once when it already does. */
  whenClean(): Promise<void> {
    const wait = Atomics.waitAsync(this.cell, 0, BUSY);
    return wait.async ? wait.value.then(() => undefined) : Promise.resolve();
  }
}
