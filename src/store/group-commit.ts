import type Database from 'better-sqlite3';

type Settle = (error: unknown) => void;

/**
 * Group commit: the writes made in one turn of the event loop share one
 * transaction, committed once that turn's I/O callbacks have run. Each
 * commit appends every page it touched to the WAL, so sixteen submissions
 * and the outcomes that arrived with them cost one append instead of many.
 * A write's promise settles only after its COMMIT: nothing is answered as
 * stored that a crash could still take back.
 */
export class GroupCommit {
  private waiting: Settle[] = [];
  private scheduled = false;

  constructor(private readonly db: Database.Database) {}

  /** Runs `write` inside the current turn's transaction; resolves with its result once committed. */
  write<T>(write: () => T): Promise<T> {
    if (!this.db.inTransaction) this.db.exec('BEGIN IMMEDIATE');
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.commit());
    }
    let result: T;
    try {
      result = write();
    } catch (error) {
      // SQLite undoes just the failed statement, unless the error (a full disk, say) ended the whole transaction.
      if (!this.db.inTransaction) this.settleAll(error);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.waiting.push((error) => (error ? reject(error) : resolve(result))));
  }

  /** Commits what is pending now; called on the turn's end, and before the file closes. */
  commit(): void {
    this.scheduled = false;
    if (!this.db.inTransaction) return this.settleAll(null);
    try {
      this.db.exec('COMMIT');
      this.settleAll(null);
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.settleAll(error);
    }
  }

  private settleAll(error: unknown): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const settle of waiting) settle(error);
  }
}
