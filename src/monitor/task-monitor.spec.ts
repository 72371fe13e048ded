import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { loadAppConfig } from '../config/app-config';
import { SqliteTaskStore } from '../store/sqlite-task-store';
import { TaskMonitor } from './task-monitor';

describe('TaskMonitor', () => {
  let store: SqliteTaskStore;
  let monitor: TaskMonitor;

  beforeEach(() => {
    store = new SqliteTaskStore(':memory:');
    monitor = new TaskMonitor(store, loadAppConfig({}), {} as SchedulerRegistry);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => store.close());

  const insert = async () =>
    (await store.insert({
      task_id: randomUUID(),
      task_type: 'cpu_intensive',
      task_data: {},
      priority: 0,
      timeout_ms: 1000,
      created_at: new Date().toISOString(),
    }))!;

  it('says when there are no active tasks', async () => {
    await insert();
    expect(await monitor.report()).toEqual(['tasks: queued=1', 'no active tasks']);
  });

  it('logs one line per live task with its state, progress, pid and elapsed time', async () => {
    const task = await insert();
    await store.claimNext();
    await store.transition(task.task_id, ['starting'], 'running', { worker: 777, started_at: new Date(Date.now() - 2500).toISOString() });
    await store.setProgress(task.task_id, 42.4, null);
    const lines = await monitor.report();
    expect(lines[0]).toBe('tasks: running=1');
    expect(lines[1]).toMatch(new RegExp(`^${task.task_id} cpu_intensive running 42% pid=777 elapsed=2\\.\\d+s$`));
  });
});
