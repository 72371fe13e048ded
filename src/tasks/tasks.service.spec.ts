import { loadAppConfig } from '../config/app-config';
import { SqliteTaskStore } from '../store/sqlite-task-store';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import type { TaskControl } from './task-control';
import { StoreUnavailableError } from './task-errors';
import type { TaskQueue } from './task-queue';
import { TasksService } from './tasks.service';

/** Submission when the queue refuses the task (shared mode, Redis gone between the insert and the add). */
describe('TasksService', () => {
  const config = loadAppConfig({});
  let store: SqliteTaskStore;
  beforeEach(() => (store = new SqliteTaskStore(':memory:')));
  afterEach(() => store.close());

  it('cancels the stored copy and answers the queue’s error, so a client that retries gets no double', async () => {
    const refusing: TaskQueue = {
      accepting: true,
      enqueue: async () => {
        throw new StoreUnavailableError('Connection is closed.');
      },
      discard: async () => undefined,
    };
    const service = new TasksService(store, refusing, {} as TaskControl, config, new TaskTypeRegistry(config));
    await expect(service.create({ task_type: 'process_data', task_data: {} })).rejects.toBeInstanceOf(StoreUnavailableError);
    const [task] = (await store.list({ limit: 10 })).tasks;
    expect(task).toMatchObject({ status: 'cancelled', error: { code: 'ENQUEUE_FAILED' } });
  });
});
