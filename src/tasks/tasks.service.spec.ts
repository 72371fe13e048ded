import { loadAppConfig } from '../config/app-config';
import { SqliteTaskStore } from '../store/sqlite-task-store';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import type { TaskControl } from './task-control';
import { BatchOverQueueLimitError, InvalidBatchError, StoreUnavailableError } from './task-errors';
import type { TaskQueue } from './task-queue';
import { TasksService } from './tasks.service';

/** Submission when the queue refuses the task (shared mode, Redis gone between the insert and the add). */
describe('TasksService', () => {
  const config = loadAppConfig({ MAX_QUEUED: '5' });
  let store: SqliteTaskStore;
  beforeEach(() => (store = new SqliteTaskStore(':memory:')));
  afterEach(() => store.close());

  const refusing: TaskQueue = {
    accepting: true,
    enqueue: async () => {
      throw new StoreUnavailableError('Connection is closed.');
    },
    discard: async () => undefined,
  };
  const accepting: TaskQueue = { accepting: true, enqueue: async () => undefined, discard: async () => undefined };
  const serviceWith = (queue: TaskQueue) => new TasksService(store, queue, {} as TaskControl, config, new TaskTypeRegistry(config));

  it('cancels the stored copy and answers the queue’s error, so a client that retries gets no double', async () => {
    await expect(serviceWith(refusing).create({ task_type: 'process_data', task_data: {} })).rejects.toBeInstanceOf(StoreUnavailableError);
    const [task] = (await store.list({ limit: 10 })).tasks;
    expect(task).toMatchObject({ status: 'cancelled', error: { code: 'ENQUEUE_FAILED' } });
  });

  it('cancels every stored copy of a batch the queue refuses', async () => {
    const batch = [{ task_type: 'process_data' }, { task_type: 'generate_report' }];
    await expect(serviceWith(refusing).createMany(batch)).rejects.toBeInstanceOf(StoreUnavailableError);
    const { tasks } = await store.list({ limit: 10 });
    expect(tasks.map((t) => [t.task_type, t.status])).toEqual([['generate_report', 'cancelled'], ['process_data', 'cancelled']]);
  });

  it('names every bad item of a batch by its index, and stores none of it', async () => {
    const batch = [{ task_type: 'process_data' }, { task_type: 'nope' }, { task_type: 'cpu_intensive', task_data: { batches: 0 } }];
    const error = await serviceWith(accepting).createMany(batch).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidBatchError);
    expect(error.details).toEqual([
      expect.objectContaining({ index: 1, code: 'UNKNOWN_TASK_TYPE' }),
      expect.objectContaining({ index: 2, code: 'INVALID_TASK_DATA', details: [expect.objectContaining({ field: 'task_data.batches' })] }),
    ]);
    expect(error.message).toMatch(/^nothing was stored: tasks\.1: unknown task_type "nope".*; tasks\.2: task_data is invalid/);
    expect(await store.countQueued()).toBe(0);
  });

  it('refuses, as a bad request, a batch larger than MAX_QUEUED could ever hold', async () => {
    const batch = Array.from({ length: 6 }, () => ({ task_type: 'process_data' }));
    await expect(serviceWith(accepting).createMany(batch)).rejects.toBeInstanceOf(BatchOverQueueLimitError);
    expect(await store.countQueued()).toBe(0);
  });
});
