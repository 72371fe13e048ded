import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteTaskStore } from './sqlite-task-store';
import { aNewTask, describeTaskStoreContract } from './task-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeTaskStoreContract('SqliteTaskStore (file)', async () => new SqliteTaskStore(join(dir, `${randomUUID()}.sqlite`)));

describe('SqliteTaskStore', () => {
  it('keeps tasks across reopening the file', async () => {
    const file = join(dir, 'reopen.sqlite');
    const first = new SqliteTaskStore(file);
    const task = (await first.insert(aNewTask()))!;
    await first.close();
    const second = new SqliteTaskStore(file);
    expect(await second.get(task.task_id)).toEqual(task);
    await second.close();
  });

  it('keeps statement journals in memory, not in temporary files', async () => {
    // Every insert and status change opens one (the queue triggers, the partial index); as files they cost
    // about 14 writes per insert and tripled the time of SQLite's own insert.
    const store = new SqliteTaskStore(join(dir, 'journal.sqlite'));
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    await store.close();
  });

  it('counts the queue afresh when it opens a file, whatever count the file held', async () => {
    const file = join(dir, 'recount.sqlite');
    const first = new SqliteTaskStore(file);
    await first.insertMany([aNewTask(), aNewTask()]);
    await first.close();
    const raw = new Database(file);
    raw.exec('UPDATE queue_depth SET queued = 99');
    raw.close();
    const second = new SqliteTaskStore(file);
    expect(await second.countQueued()).toBe(2);
    expect(await second.insert(aNewTask(), 3)).not.toBeNull();
    expect(await second.insert(aNewTask(), 3)).toBeNull();
    await second.close();
  });

  it('keeps the queue count right when queued rows are deleted by hand', async () => {
    const file = join(dir, 'by-hand.sqlite');
    const store = new SqliteTaskStore(file);
    const since = store.writeMark();
    const [gone] = (await store.insertMany([aNewTask(), aNewTask()]))!;
    await store.durable(since);
    const raw = new Database(file);
    raw.prepare('DELETE FROM tasks WHERE task_id = ?').run(gone.task_id);
    raw.close();
    expect(await store.countQueued()).toBe(1);
    await store.close();
  });

  describe('group commit', () => {
    it('commits the writes of one turn together; durable settles once they are on disk', async () => {
      const file = join(dir, 'group.sqlite');
      const store = new SqliteTaskStore(file);
      const since = store.writeMark();
      const tasks = [aNewTask(), aNewTask()];
      await Promise.all(tasks.map((task) => store.insert(task)));
      // Written into the turn's open transaction: another connection does not see them yet.
      expect(committedIds(file)).toEqual([]);
      await store.durable(since);
      expect(committedIds(file)).toEqual(tasks.map((t) => t.task_id));
      await store.close();
    });

    it('fails only the write that failed; the rest of its turn commits', async () => {
      const file = join(dir, 'partial.sqlite');
      const store = new SqliteTaskStore(file);
      const first = aNewTask();
      await store.insert(first);
      const since = store.writeMark();
      const next = aNewTask();
      const results = await Promise.allSettled([store.insert({ ...aNewTask(), task_id: first.task_id }), store.insert(next)]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      await store.durable(since);
      expect(committedIds(file)).toEqual([first.task_id, next.task_id]);
      await store.close();
    });

    it('commits what is pending when the store closes', async () => {
      const file = join(dir, 'close.sqlite');
      const store = new SqliteTaskStore(file);
      const task = aNewTask();
      await store.insert(task);
      await store.close();
      expect(committedIds(file)).toEqual([task.task_id]);
    });
  });
});

function committedIds(file: string): string[] {
  const reader = new Database(file, { readonly: true });
  try {
    return (reader.prepare('SELECT task_id FROM tasks ORDER BY seq').all() as { task_id: string }[]).map((r) => r.task_id);
  } finally {
    reader.close();
  }
}
