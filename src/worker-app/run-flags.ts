/** The run a pause is requested for, or 0. */
const PAUSE = 0;
/** The run an abort is requested for, or 0. */
const ABORT = 1;
const PARKED = 2;
const SLOTS = 3;
/** In the PARKED cell once the task has ended: it will not park now, and a pause waiting for it need not wait. */
const ENDED = 2;

/**
 * Pause and abort requests shared between the worker's control thread and the
 * thread that runs the handler, and whether the handler is parked. Shared
 * memory, not messages: a handler that spins the CPU never reads its message
 * queue, but it does reach checkpoints, and the control thread can answer
 * while the handler's thread is blocked.
 *
 * A request holds the number of the run it is for (RunBoard), and a handler
 * heeds only its own run's: a request the control thread makes as one task
 * ends, landing after the next has begun, is left for nobody. Runs are
 * numbered from 1; a cell holding 0 holds no request.
 */
export class RunFlags {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)) {
    this.cells = new Int32Array(buffer);
  }

  pauseRequested(run: number): boolean {
    return Atomics.load(this.cells, PAUSE) === run;
  }

  abortRequested(run: number): boolean {
    return Atomics.load(this.cells, ABORT) === run;
  }

  get parked(): boolean {
    return Atomics.load(this.cells, PARKED) === 1;
  }

  /** Handler side, as a task ends: a pause request waiting for it to park is answered at once, now or later. */
  end(): void {
    Atomics.store(this.cells, PARKED, ENDED);
    Atomics.notify(this.cells, PARKED);
  }

  /** Handler side, as a task begins: nothing is requested of it yet. */
  clear(): void {
    for (let slot = 0; slot < SLOTS; slot++) Atomics.store(this.cells, slot, 0);
  }

  requestPause(run: number): void {
    Atomics.store(this.cells, PAUSE, run);
  }

  /** Withdraws this run's pause; one already made for a later run stands. */
  requestResume(run: number): void {
    Atomics.compareExchange(this.cells, PAUSE, run, 0);
    Atomics.notify(this.cells, PAUSE);
  }

  requestAbort(run: number): void {
    Atomics.store(this.cells, ABORT, run);
    // A parked handler waits on the PAUSE cell: wake it so it sees the abort.
    Atomics.notify(this.cells, PAUSE);
  }

  /** Blocks the calling (handler) thread while its run's pause stands and no abort is; the control thread sees it parked. */
  waitWhilePaused(run: number): void {
    this.setParked(1);
    while (this.pauseRequested(run) && !this.abortRequested(run)) Atomics.wait(this.cells, PAUSE, run);
    this.setParked(0);
  }

  /** Control side: resolves true once the handler is parked, false if it is not within `waitMs` or its task ends. */
  async whenParked(waitMs: number): Promise<boolean> {
    // Waits only while the cell says "running": "parked" and "ended" are answers.
    const wait = Atomics.waitAsync(this.cells, PARKED, 0, waitMs);
    if (wait.async) await wait.value;
    return this.parked;
  }

  private setParked(value: 0 | 1): void {
    Atomics.store(this.cells, PARKED, value);
    Atomics.notify(this.cells, PARKED);
  }
}
