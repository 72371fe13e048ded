/** What the control thread shows of the task the worker runs now. */
export interface RunIdentity {
  task_id: string;
  task_type: string;
  /** Date.now() when the task began. */
  started_at: number;
  /** Tells one run from the next, so news of an earlier run is not shown as this one's. */
  run: number;
}

const VERSION = 0;
const LENGTH = 1;
const HEADER_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;
/** Task ids are UUIDs and task type names at most 64 characters: far below this. */
const BODY_BYTES = 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the board holds: the task running now, or the last one, ended. */
interface BoardEntry extends RunIdentity {
  ended?: true;
}

/**
 * The task the worker runs now, in shared memory: written by the thread that
 * runs handlers as each task begins and ends, read by the control thread when
 * a request asks. An ended task stays on the board, marked so, until the next
 * begins: a request about it is then answered at once. A message would wake
 * the control thread twice per task only to note it, which on small machines
 * costs more CPU than a small task.
 *
 * A sequence lock keeps reads whole: the writer makes the version odd while it
 * writes and even again after; a reader that saw it odd, or saw it change
 * while it copied, reads again. The control thread may block for that: it is
 * a worker thread, and a write takes microseconds.
 */
export class RunBoard {
  private readonly header: Int32Array;
  private readonly body: Uint8Array;
  private runs = 0;
  private current: RunIdentity | null = null;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(HEADER_BYTES + BODY_BYTES)) {
    this.header = new Int32Array(buffer, 0, 2);
    this.body = new Uint8Array(buffer, HEADER_BYTES);
  }

  /** Writer side; returns the run's number. */
  begin(task: { task_id: string; task_type: string }): number {
    const identity: RunIdentity = { task_id: task.task_id, task_type: task.task_type, started_at: Date.now(), run: ++this.runs };
    this.write(JSON.stringify(identity));
    this.current = identity;
    return identity.run;
  }

  /** Writer side: no task runs. */
  end(): void {
    const ended: BoardEntry | null = this.current && { ...this.current, ended: true };
    this.current = null;
    this.write(ended ? JSON.stringify(ended) : '');
  }

  /** Reader side: the task running now, or null. */
  read(): RunIdentity | null {
    const entry = this.entry();
    return entry && !entry.ended ? entry : null;
  }

  /**
   * Reader side: the named task while it runs, or, before it has begun, once
   * it begins within `waitMs`; null once it has ended. The supervisor shows a
   * task running as soon as it has sent it, and the main thread, at a lower
   * priority, may begin it a moment later: a request about it must not be
   * told that it does not run. It sends a task only once the one before has
   * ended, so another task running means the named one has ended.
   */
  async readSoon(taskId: string, waitMs: number): Promise<RunIdentity | null> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      const version = Atomics.load(this.header, VERSION);
      const entry = this.entry();
      if (entry?.task_id === taskId) return entry.ended ? null : entry;
      const left = deadline - performance.now();
      if ((entry && !entry.ended) || left <= 0) return null;
      // Any write wakes this (see write): the named task's begin, or another's end.
      const wait = Atomics.waitAsync(this.header, VERSION, version, left);
      if (wait.async) await wait.value;
    }
  }

  private entry(): BoardEntry | null {
    for (;;) {
      const version = Atomics.load(this.header, VERSION);
      // Mid-write: the writer wakes the reader when done (a writer at a low priority may be put aside for a while).
      if (version % 2 === 1) {
        Atomics.wait(this.header, VERSION, version, 1);
        continue;
      }
      const length = Atomics.load(this.header, LENGTH);
      // slice() copies out of shared memory, which TextDecoder will not read.
      const text = decoder.decode(this.body.slice(0, length));
      if (Atomics.load(this.header, VERSION) !== version) continue;
      return length === 0 ? null : (JSON.parse(text) as BoardEntry);
    }
  }

  private write(text: string): void {
    Atomics.add(this.header, VERSION, 1);
    const { written, read } = encoder.encodeInto(text, this.body);
    Atomics.store(this.header, LENGTH, read === text.length ? written : 0);
    Atomics.add(this.header, VERSION, 1);
    // Wakes nobody, at no cost, unless a reader came mid-write or waits for a task to begin.
    Atomics.notify(this.header, VERSION);
    if (read !== text.length) throw new RangeError(`a run's identity takes more than ${BODY_BYTES} bytes`);
  }
}
