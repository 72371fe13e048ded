/**
 * Reading the peak RSS is a system call, and on the small virtual machines
 * measured one cost 4 to 20 µs, against some 70 µs for a no-op task's whole
 * cycle in its worker. A reading is taken again only once this long has passed
 * since the last, so a run of short tasks shares one; what the value sent
 * with a result may miss is what tasks allocated within the last
 * few milliseconds, and any task that ran this long gets a fresh reading.
 */
export const PEAK_RSS_READ_EVERY_MS = 10;

/** The process's peak resident set size (a high-water mark), read at most every PEAK_RSS_READ_EVERY_MS. */
export class PeakRss {
  private bytes = 0;
  private readAt = -Infinity;

  constructor(
    private readonly read: () => number = () => process.resourceUsage().maxRSS * 1024,
    private readonly clock: () => number = () => performance.now(),
    private readonly everyMs = PEAK_RSS_READ_EVERY_MS,
  ) {}

  bytesNow(): number {
    const now = this.clock();
    if (now - this.readAt >= this.everyMs) {
      this.bytes = this.read();
      this.readAt = now;
    }
    return this.bytes;
  }
}
