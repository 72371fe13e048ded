/**
 * Pause and abort requests shared between the worker's control thread and the
 * handler thread. Shared memory, not messages: a handler that spins the CPU
 * never reads its message queue, but it does reach checkpoints.
 */
const PAUSE = 0;
const ABORT = 1;
const SLOTS = 2;

export class RunFlags {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)) {
    this.cells = new Int32Array(buffer);
  }

  get pauseRequested(): boolean {
    return Atomics.load(this.cells, PAUSE) === 1;
  }

  get abortRequested(): boolean {
    return Atomics.load(this.cells, ABORT) === 1;
  }

  requestPause(): void {
    Atomics.store(this.cells, PAUSE, 1);
  }

  requestResume(): void {
    Atomics.store(this.cells, PAUSE, 0);
    Atomics.notify(this.cells, PAUSE);
  }

  requestAbort(): void {
    Atomics.store(this.cells, ABORT, 1);
    // A parked handler waits on the PAUSE cell: wake it so it sees the abort.
    Atomics.notify(this.cells, PAUSE);
  }

  /** Blocks the calling (handler) thread while a pause is requested and no abort is. */
  waitWhilePaused(): void {
    while (this.pauseRequested && !this.abortRequested) Atomics.wait(this.cells, PAUSE, 1);
  }
}
