import { randomUUID } from 'node:crypto';
import type { TaskRecord } from '../tasks/task';
import { InvalidCursorError } from '../tasks/task-errors';
import type { NewTask, TaskStore } from './task-store';

/** A task as the service would insert it; the store specs build theirs with this. */
export function aNewTask(overrides: Partial<NewTask> = {}): NewTask {
  return {
    task_id: randomUUID(),
    task_type: 'process_data',
    task_data: { items: [1, 2] },
    priority: 0,
    timeout_ms: 1000,
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

/** The behaviour every TaskStore must have. Each implementation's spec calls this. */
export function describeTaskStoreContract(name: string, open: () => Promise<TaskStore>): void {
  describe(`TaskStore contract: ${name}`, () => {
    let store: TaskStore;
    let clock = Date.parse('2026-01-01T00:00:00Z');

    // Creation times a second apart, so orderings by time are certain.
    const newTask = (overrides: Partial<NewTask> = {}): NewTask =>
      aNewTask({ created_at: new Date((clock += 1000)).toISOString(), ...overrides });

    const running = async (overrides: Partial<NewTask> = {}): Promise<TaskRecord> => {
      const task = (await store.insert(newTask(overrides)))!;
      await store.transition(task.task_id, ['queued'], 'starting');
      return (await store.transition(task.task_id, ['starting'], 'running', { worker: 42, started_at: task.created_at }))!;
    };

    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    it('stores a new task as queued and reads it back', async () => {
      const input = newTask({ task_data: { nested: { a: [1, 'b'] } }, priority: 3 });
      const created = await store.insert(input);
      expect(created).toMatchObject({ ...input, status: 'queued', progress: 0, result: null, error: null, attempts: 0 });
      expect(await store.get(input.task_id)).toEqual(created);
      expect(await store.get(randomUUID())).toBeNull();
    });

    it('lists newest first, page by page, with filters', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.insert(newTask({ task_type: i % 2 ? 'cpu_intensive' : 'process_data' })))!.task_id);
      const first = await store.list({ limit: 2 });
      expect(first.tasks.map((t) => t.task_id)).toEqual([ids[4], ids[3]]);
      const second = await store.list({ limit: 2, cursor: first.next_cursor! });
      expect(second.tasks.map((t) => t.task_id)).toEqual([ids[2], ids[1]]);
      const last = await store.list({ limit: 2, cursor: second.next_cursor! });
      expect(last.tasks.map((t) => t.task_id)).toEqual([ids[0]]);
      expect(last.next_cursor).toBeNull();
      const cpu = await store.list({ limit: 10, task_type: 'cpu_intensive' });
      expect(cpu.tasks.map((t) => t.task_id)).toEqual([ids[3], ids[1]]);
      await store.transition(ids[2], ['queued'], 'cancelled');
      expect((await store.list({ limit: 10, status: 'cancelled' })).tasks.map((t) => t.task_id)).toEqual([ids[2]]);
    });

    it('refuses a cursor it did not issue', async () => {
      await expect(store.list({ limit: 1, cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('transitions only from the expected states, so one of two racing outcomes wins', async () => {
      const task = await running();
      const outcomes = await Promise.all([
        store.transition(task.task_id, ['running', 'paused'], 'completed', { result: { ok: 1 }, finished_at: 'x' }),
        store.transition(task.task_id, ['starting', 'running', 'paused'], 'terminated', { error: { code: 'T', message: 'm' } }),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const final = (await store.get(task.task_id))!;
      expect(['completed', 'terminated']).toContain(final.status);
      expect(await store.transition(task.task_id, ['running'], 'failed')).toBeNull();
      expect(await store.get(task.task_id)).toEqual(final);
    });

    it('keeps the patch of a transition, including JSON values', async () => {
      const task = await running();
      const done = await store.transition(task.task_id, ['running'], 'completed', {
        result: { rows: [1, 2, 3], label: 'é' },
        progress: 100,
        finished_at: '2026-01-01T00:01:00.000Z',
        worker_server: null,
      });
      expect(done).toMatchObject({ status: 'completed', result: { rows: [1, 2, 3], label: 'é' }, progress: 100, worker: 42 });
    });

    it('applies a transition without reading the record back: the same checks, only true or false', async () => {
      const task = await running();
      expect(await store.tryTransition(task.task_id, ['running'], 'completed', { result: { rows: [1, 2] }, finished_at: '2026-01-01T00:01:00.000Z' }, task.attempts + 1)).toBe(false);
      expect(await store.tryTransition(task.task_id, ['paused'], 'completed', { result: { rows: [1, 2] } })).toBe(false);
      expect(await store.tryTransition('no-such-task', ['running'], 'completed')).toBe(false);
      expect(await store.get(task.task_id)).toMatchObject({ status: 'running', result: null });
      expect(await store.tryTransition(task.task_id, ['running'], 'completed', { result: { rows: [1, 2] }, progress: 100, finished_at: '2026-01-01T00:01:00.000Z', worker_server: null }, task.attempts)).toBe(true);
      expect(await store.get(task.task_id)).toMatchObject({ status: 'completed', result: { rows: [1, 2] }, progress: 100, worker_server: null });
      expect(await store.tryTransition(task.task_id, ['running'], 'failed')).toBe(false);
      // Finished as `transition` finishes: retention prunes it.
      expect(await store.pruneFinished('2026-01-01T00:02:00.000Z')).toBe(1);
    });

    it('claims queued tasks by priority, then age, once each', async () => {
      const low = (await store.insert(newTask({ priority: 0 })))!;
      const highOld = (await store.insert(newTask({ priority: 5 })))!;
      const highNew = (await store.insert(newTask({ priority: 5 })))!;
      const claimed = [await store.claimNext(), await store.claimNext(), await store.claimNext(), await store.claimNext()];
      expect(claimed.map((t) => t?.task_id ?? null)).toEqual([highOld.task_id, highNew.task_id, low.task_id, null]);
      expect(claimed[0]).toMatchObject({ status: 'starting', attempts: 1 });
    });

    it('refuses a new task, storing nothing, once maxQueued tasks wait', async () => {
      await store.insert(newTask(), 2);
      await store.insert(newTask(), 2);
      const refused = newTask();
      expect(await store.insert(refused, 2)).toBeNull();
      expect(await store.get(refused.task_id)).toBeNull();
      await store.claimNext();
      expect(await store.insert(refused, 2)).toMatchObject({ task_id: refused.task_id, status: 'queued' });
    });

    it('stores a batch in its order, all or none', async () => {
      await store.insert(newTask(), 4);
      const batch = [newTask({ priority: 1 }), newTask(), newTask({ task_type: 'cpu_intensive' })];
      const stored = await store.insertMany(batch, 4);
      expect(stored).toEqual(batch.map((task) => expect.objectContaining({ ...task, status: 'queued', attempts: 0 })));
      expect((await store.list({ limit: 3 })).tasks.map((t) => t.task_id)).toEqual(batch.map((t) => t.task_id).reverse());

      const tooMany = [newTask(), newTask()];
      expect(await store.insertMany(tooMany, 5)).toBeNull();
      const duplicate = newTask();
      await expect(store.insertMany([newTask(), duplicate, { ...duplicate }])).rejects.toHaveProperty('message');
      await expect(store.insertMany([newTask(), batch[0]])).rejects.toHaveProperty('message');
      expect(await store.countQueued()).toBe(4);
      expect(await store.get(tooMany[0].task_id)).toBeNull();
    });

    it('counts the queue through every way in and out of it', async () => {
      const [first, second, third] = [newTask(), newTask(), newTask()];
      await store.insertMany([first, second, third]);
      expect(await store.countQueued()).toBe(3);
      await store.claimNext();
      await store.claim(second.task_id);
      expect(await store.countQueued()).toBe(1);
      await store.transition(third.task_id, ['queued'], 'cancelled');
      expect(await store.countQueued()).toBe(0);
      await store.transition(second.task_id, ['starting'], 'queued');
      expect(await store.countQueued()).toBe(1);
      await store.transition(second.task_id, ['starting'], 'running');
      expect(await store.countQueued()).toBe(1);
      expect(await store.insert(newTask(), 1)).toBeNull();
    });

    it('changes a task only on the attempt a write names, so a late write for an earlier attempt changes nothing', async () => {
      const task = (await store.insert(newTask()))!;
      const first = (await store.claim(task.task_id))!;
      await store.transition(task.task_id, ['starting'], 'queued');
      const second = (await store.claim(task.task_id))!;
      expect([first.attempts, second.attempts]).toEqual([1, 2]);
      expect(await store.transition(task.task_id, ['starting'], 'running', {}, first.attempts)).toBeNull();
      expect(await store.transition(task.task_id, ['starting'], 'running', { node: 'node-b' }, second.attempts)).toMatchObject({ status: 'running', node: 'node-b' });
      await store.setProgress(task.task_id, 90, { stale: true }, first.attempts);
      await store.setProgress(task.task_id, 30, null, second.attempts);
      expect(await store.transition(task.task_id, ['running'], 'interrupted', { finished_at: '2026-01-02T00:00:00.000Z' }, first.attempts)).toBeNull();
      expect(await store.get(task.task_id)).toMatchObject({ status: 'running', progress: 30, progress_info: null, attempts: 2 });
    });

    it('claims one queued task by id, once, counting the attempt', async () => {
      const task = (await store.insert(newTask()))!;
      const claimed = await store.claim(task.task_id, { node: 'node-a' });
      expect(claimed).toMatchObject({ status: 'starting', attempts: 1, node: 'node-a' });
      expect(await store.claim(task.task_id, { node: 'node-b' })).toBeNull();
      expect(await store.claimNext()).toBeNull();
      const requeued = await store.transition(task.task_id, ['starting'], 'queued', { node: null });
      expect(requeued).toMatchObject({ status: 'queued', node: null, attempts: 1 });
      expect(await store.claim(task.task_id)).toMatchObject({ status: 'starting', attempts: 2 });
    });

    it('records progress only while the task runs or is paused', async () => {
      const task = await running();
      await store.setProgress(task.task_id, 40, { step: 4 });
      expect(await store.get(task.task_id)).toMatchObject({ progress: 40, progress_info: { step: 4 } });
      await store.transition(task.task_id, ['running'], 'completed');
      await store.setProgress(task.task_id, 50, null);
      expect((await store.get(task.task_id))!.progress).toBe(40);
    });

    it('counts by status and lists the active tasks', async () => {
      const active = await running();
      await store.insert(newTask());
      await store.insert(newTask());
      expect(await store.countByStatus()).toEqual({ running: 1, queued: 2 });
      expect(await store.countQueued()).toBe(2);
      expect((await store.listActive()).map((t) => t.task_id)).toEqual([active.task_id]);
    });

    it('interrupts what a previous process left active and keeps the queue', async () => {
      const active = await running();
      const queued = (await store.insert(newTask()))!;
      expect(await store.interruptActive('gone', '2026-01-02T00:00:00.000Z')).toBe(1);
      expect(await store.get(active.task_id)).toMatchObject({
        status: 'interrupted',
        error: { code: 'INTERRUPTED', message: 'gone' },
        finished_at: '2026-01-02T00:00:00.000Z',
      });
      expect((await store.get(queued.task_id))!.status).toBe('queued');
    });

    it('prunes only tasks that finished before the cutoff', async () => {
      const old = await running();
      const recent = await running();
      await store.transition(old.task_id, ['running'], 'completed', { finished_at: '2026-01-01T00:00:00.000Z' });
      await store.transition(recent.task_id, ['running'], 'completed', { finished_at: '2026-03-01T00:00:00.000Z' });
      const queued = (await store.insert(newTask()))!;
      expect(await store.pruneFinished('2026-02-01T00:00:00.000Z')).toBe(1);
      expect(await store.get(old.task_id)).toBeNull();
      expect(await store.get(recent.task_id)).not.toBeNull();
      expect(await store.get(queued.task_id)).not.toBeNull();
    });

    it('reports itself writable', async () => {
      await expect(store.checkWritable()).resolves.toBeUndefined();
    });
  });
}
