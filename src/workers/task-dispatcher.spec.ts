import { randomUUID } from 'node:crypto';
import { loadAppConfig } from '../config/app-config';
import { SqliteTaskStore } from '../store/sqlite-task-store';
import type { TaskRecord } from '../tasks/task';
import { TaskDispatcher } from './task-dispatcher';
import type { WorkerSupervisor } from './worker-supervisor';

/** Stands in for the supervisor: counts slots, and frees one on demand. */
class SlotCounter {
  started: TaskRecord[] = [];
  private listeners: (() => void)[] = [];
  get size() {
    return this.started.length - this.freed;
  }
  freed = 0;
  start(task: TaskRecord) {
    this.started.push(task);
  }
  onSlotFreed(listener: () => void) {
    this.listeners.push(listener);
  }
  finishOne() {
    this.freed++;
    this.listeners.forEach((l) => l());
  }
}

/** Each claim commits at the end of an event-loop turn: give the dispatcher a few. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('TaskDispatcher', () => {
  it('starts at most MAX_CONCURRENCY tasks, by priority then age, and fills freed slots', async () => {
    const store = new SqliteTaskStore(':memory:');
    const slots = new SlotCounter();
    const dispatcher = new TaskDispatcher(store, loadAppConfig({ MAX_CONCURRENCY: '2' }), slots as unknown as WorkerSupervisor);
    const ids: string[] = [];
    for (const [i, priority] of [0, 0, 5, 0, 9].entries()) {
      const task = await store.insert({
        task_id: randomUUID(),
        task_type: 'process_data',
        task_data: {},
        priority,
        timeout_ms: 1000,
        created_at: new Date(1_000_000 + i).toISOString(),
      });
      ids.push(task!.task_id);
    }
    await dispatcher.onApplicationBootstrap();
    await settled();
    expect(slots.started.map((t) => t.task_id)).toEqual([ids[4], ids[2]]);
    slots.finishOne();
    await settled();
    expect(slots.started.map((t) => t.task_id)).toEqual([ids[4], ids[2], ids[0]]);
    dispatcher.stop();
    slots.finishOne();
    await settled();
    expect(slots.started).toHaveLength(3);
    expect(await store.countQueued()).toBe(2);
    await store.close();
  });
});
