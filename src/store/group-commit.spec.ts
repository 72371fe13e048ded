import type Database from 'better-sqlite3';
import { GroupCommit } from './group-commit';

/** Stands in for a connection whose COMMIT can be made to fail, as a full disk would. */
class FakeConnection {
  inTransaction = false;
  failCommit = false;
  exec(sql: string): void {
    if (sql === 'BEGIN IMMEDIATE') this.inTransaction = true;
    if (sql === 'ROLLBACK') this.inTransaction = false;
    if (sql === 'COMMIT') {
      if (this.failCommit) throw new Error('database or disk is full');
      this.inTransaction = false;
    }
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  let db: FakeConnection;
  let commits: GroupCommit;
  beforeEach(() => {
    db = new FakeConnection();
    commits = new GroupCommit(db as unknown as Database.Database);
  });

  it('returns each write at once and commits them together at the end of the turn', async () => {
    const since = commits.mark();
    expect([commits.write(() => 1), commits.write(() => 2)]).toEqual([1, 2]);
    expect(db.inTransaction).toBe(true);
    let durable = false;
    const settled = commits.durable(since).then(() => (durable = true));
    await Promise.resolve();
    expect(durable).toBe(false);
    await settled;
    expect(db.inTransaction).toBe(false);
  });

  describe('in a stream of writes', () => {
    // The clock stands still unless a test moves it: "right after a commit" does not depend on how busy the machine is.
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    it("keeps a group begun right after a commit open for the next turns' writes, then commits it within 5 ms", async () => {
      commits.write(() => 'first');
      await nextTurn();
      expect(db.inTransaction).toBe(false);
      const group = commits.mark();
      commits.write(() => 'second');
      await nextTurn();
      // Still open a turn later: what the next turn writes joins the same commit.
      expect(db.inTransaction).toBe(true);
      expect(commits.mark()).toBe(group);
      commits.write(() => 'third');
      jest.advanceTimersByTime(4);
      expect(db.inTransaction).toBe(true);
      jest.advanceTimersByTime(1);
      expect(db.inTransaction).toBe(false);
    });

    it('commits a group at the end of its turn when it begins after a quiet spell', async () => {
      commits.write(() => 'first');
      await nextTurn();
      jest.advanceTimersByTime(5);
      commits.write(() => 'after a while');
      await nextTurn();
      expect(db.inTransaction).toBe(false);
    });

    it('commits a lingering group at the end of the turn as soon as a reply waits on it', async () => {
      commits.write(() => 'first');
      await nextTurn();
      const since = commits.mark();
      commits.write(() => 'second');
      let durable = false;
      const settled = commits.durable(since).then(() => (durable = true));
      await nextTurn();
      expect(db.inTransaction).toBe(false);
      await settled;
      expect(durable).toBe(true);
    });
  });

  it('rejects durable for anyone who wrote or read before a lost commit, and not for later writers', async () => {
    const before = commits.mark();
    commits.write(() => 'inserted');
    const during = commits.mark();
    db.failCommit = true;
    const waiting = commits.durable(before);
    await expect(waiting).rejects.toThrow('database or disk is full');
    expect(db.inTransaction).toBe(false);
    await expect(commits.durable(during)).rejects.toThrow('database or disk is full');

    db.failCommit = false;
    const after = commits.mark();
    commits.write(() => 'next');
    await expect(commits.durable(after)).resolves.toBeUndefined();
  });

  it('counts a group lost when a failed statement ended its transaction', async () => {
    const since = commits.mark();
    commits.write(() => 'kept?');
    expect(() =>
      commits.write(() => {
        db.inTransaction = false; // SQLite rolled the whole transaction back
        throw new Error('disk I/O error');
      }),
    ).toThrow('disk I/O error');
    await expect(commits.durable(since)).rejects.toThrow('disk I/O error');
    await nextTurn();
  });
});
