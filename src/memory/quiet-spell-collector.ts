/** What the collector reads of the process, and its one action. */
export interface MemoryProbes {
  /** The event loop's busy share (0-1) since the last call. */
  utilizationSinceLast(): number;
  /** Bytes V8 holds for its heap (committed, used or not). */
  heapCommitted(): number;
  collect(): void;
}

/** Below this share of busy event loop, the process is quiet: no request, no task traffic to speak of. */
export const QUIET_UTILIZATION = 0.02;

/**
 * Gives back the heap a burst grew, once the burst is over. A burst of
 * requests leaves V8 holding tens of MB of pages for what the requests
 * promoted and dropped, and V8 gives them back only when its memory reducer
 * decides to, which after 20k-100k task submissions had not happened 40 s
 * later. A compacting full collection at the first quiet check does it, for
 * a pause of 25-90 ms (2 cores) in an otherwise idle event loop, once per
 * burst; under steady traffic (even 500 requests/s is busier than quiet) it
 * never runs, and V8's own collections do their work.
 */
export class QuietSpellCollector {
  private committedAfterLast: number;

  /** `growthWorthCollecting`: heap grown by at least this many bytes since the last collection is worth giving back (0: never). */
  constructor(
    private readonly probes: MemoryProbes,
    private readonly growthWorthCollecting: number,
  ) {
    this.committedAfterLast = probes.heapCommitted();
  }

  /** Called every few hundred ms; true when it collected. */
  check(): boolean {
    // Set to 0 (IDLE_COMPACT_MB=0): not even a look at the process.
    if (this.growthWorthCollecting === 0) return false;
    const quiet = this.probes.utilizationSinceLast() < QUIET_UTILIZATION;
    const committed = this.probes.heapCommitted();
    // V8 gave back on its own: growth counts from there.
    if (committed < this.committedAfterLast) this.committedAfterLast = committed;
    if (!quiet || committed - this.committedAfterLast < this.growthWorthCollecting) return false;
    this.probes.collect();
    this.committedAfterLast = this.probes.heapCommitted();
    return true;
  }
}
