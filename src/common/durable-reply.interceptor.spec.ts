import Database from 'better-sqlite3';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, throwError } from 'rxjs';
import { SqliteTaskStore } from '../store/sqlite-task-store';
import { aNewTask } from '../store/task-store.contract';
import type { TaskStore } from '../store/task-store';
import { StoreUnavailableError } from '../tasks/task-errors';
import { DurableReplyInterceptor } from './durable-reply.interceptor';

const dir = mkdtempSync(join(tmpdir(), 'durable-reply-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const context = {} as ExecutionContext;
const handler = (run: () => Promise<unknown>): CallHandler => ({ handle: () => from(run()) });

function storedOnDisk(file: string): number {
  const reader = new Database(file, { readonly: true });
  try {
    return (reader.prepare('SELECT COUNT(*) AS n FROM tasks').get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

describe('DurableReplyInterceptor', () => {
  it('lets a reply go only once the writes behind it are committed', async () => {
    const file = join(dir, 'reply.sqlite');
    const store = new SqliteTaskStore(file);
    const interceptor = new DurableReplyInterceptor(store);
    const reply = await lastValueFrom(interceptor.intercept(context, handler(() => store.insert(aNewTask()))));
    expect(reply).toMatchObject({ status: 'queued' });
    expect(storedOnDisk(file)).toBe(1);

    // An error reply waits as well, and stays the handler's error.
    const refused = new Error('refused after writing');
    const failing: CallHandler = { handle: () => from(store.insert(aNewTask()).then(() => Promise.reject(refused))) };
    await expect(lastValueFrom(interceptor.intercept(context, failing))).rejects.toBe(refused);
    expect(storedOnDisk(file)).toBe(2);
    await store.close();
  });

  it('answers STORE_UNAVAILABLE when the commit behind the reply was lost', async () => {
    const store = { writeMark: () => 7, durable: () => Promise.reject(new Error('database or disk is full')) } as unknown as TaskStore;
    const interceptor = new DurableReplyInterceptor(store);
    const reply = lastValueFrom(interceptor.intercept(context, handler(async () => ({ ok: true }))));
    await expect(reply).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(lastValueFrom(interceptor.intercept(context, { handle: () => throwError(() => new Error('own')) }))).rejects.toThrow('own');
  });
});
