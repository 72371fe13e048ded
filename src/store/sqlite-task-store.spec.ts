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
});
