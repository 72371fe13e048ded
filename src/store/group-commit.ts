import type Database from 'better-sqlite3';

type Settle = (error: unknown) => void;

/** Lost groups remembered for `durable`; a request spans a handful of turns, not hundreds. */
const LOST_GROUPS_KEPT = 256;
/** A group begun this soon after the last commit is part of a stream of writes, and lingers... */
const STREAM_GAP_MS = 1;
/**
 * ...this long, unless a reply waits on it. Each commit appends every page it
 * touched, nearly the same few index pages whether it holds two tasks' writes
 * or twenty: at 5 ms rather than 1, tasks run back to back cost the API 2.4
 * `pwrite`s and 0.6 `fcntl`s each instead of 7.7 and 2.7, and in alternating
 * runs in batches it used about 175 µs of CPU a task instead of 200-210.
 */
const LINGER_MS = 5;

/**
 * Group commit: the writes made in one turn of the event loop share one
 * transaction, committed once that turn's I/O callbacks have run. Each
 * commit appends every page it touched to the WAL, so a worker's outcome,
 * the next task's claim and its start cost one append instead of three.
 *
 * A write returns as soon as it has run, so the service's own work (the
 * supervisor handing a freed slot to the next task) never waits for a disk
 * write. What a client is told waits: a reply is sent only once every write
 * made before it is committed (`durable`), so nothing is answered as stored,
 * nor shown, that a crash could still take back.
 *
 * While tasks run back to back, each turn brings one task's writes, and each
 * commit would append the same index pages again. So a group begun right
 * after a commit stays open a few milliseconds, for the next turns' writes to
 * join; the moment a reply waits on it, it commits at the end of the turn
 * instead, so no client waits for the lingering.
 */
export class GroupCommit {
  /** The open group, or the last one. */
  private group = 0;
  private waiting: Settle[] = [];
  private scheduled = false;
  private lingering: NodeJS.Timeout | null = null;
  private lastCommitAt = -Infinity;
  private readonly lost = new Map<number, unknown>();

  constructor(private readonly db: Database.Database) {}

  /** Runs `write` inside the current turn's transaction and returns its result. */
  write<T>(write: () => T): T {
    if (!this.db.inTransaction) {
      this.db.exec('BEGIN IMMEDIATE');
      this.group++;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      if (performance.now() - this.lastCommitAt < STREAM_GAP_MS) this.lingering = setTimeout(() => this.commit(), LINGER_MS);
      else setImmediate(() => this.commit());
    }
    try {
      return write();
    } catch (error) {
      // SQLite undoes just the failed statement, unless the error (a full disk, say) ended the whole transaction.
      if (!this.db.inTransaction) this.settle(error);
      throw error;
    }
  }

  /** Writes made from now on belong to this group or a later one. */
  mark(): number {
    return this.db.inTransaction ? this.group : this.group + 1;
  }

  /**
   * Settles once every write made so far is committed; rejects when a group
   * since `since` was lost, since what the caller wrote or read may be gone.
   */
  durable(since: number): Promise<void> {
    for (const [group, error] of this.lost) if (group >= since) return Promise.reject(error);
    if (!this.db.inTransaction) return Promise.resolve();
    if (this.lingering) {
      clearTimeout(this.lingering);
      this.lingering = null;
      setImmediate(() => this.commit());
    }
    return new Promise((resolve, reject) => this.waiting.push((error) => (error ? reject(error) : resolve())));
  }

  /** Commits the open group; called at the end of its turn, and before the file closes. */
  commit(): void {
    this.scheduled = false;
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
    if (!this.db.inTransaction) return;
    try {
      this.db.exec('COMMIT');
      this.lastCommitAt = performance.now();
      this.settle(null);
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.settle(error);
    }
  }

  private settle(error: unknown): void {
    if (error) {
      this.lost.set(this.group, error);
      if (this.lost.size > LOST_GROUPS_KEPT) this.lost.delete(this.lost.keys().next().value!);
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const settle of waiting) settle(error);
  }
}
