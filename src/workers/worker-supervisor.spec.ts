import { randomUUID } from 'node:crypto';
import { loadAppConfig } from '../config/app-config';
import { SqliteTaskStore } from '../store/sqlite-task-store';
import type { TaskRecord } from '../tasks/task';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import { FakeChild } from './worker-process.fake';
import type { WorkerLauncher } from './worker-launcher';
import { WorkerProcess, type WorkerProcessEvents } from './worker-process';
import type { WorkerMessage } from './worker-protocol';
import { WorkerSupervisor } from './worker-supervisor';

const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('WorkerSupervisor', () => {
  let store: SqliteTaskStore;
  let supervisor: WorkerSupervisor;
  let children: FakeChild[];
  /** The child forked last. */
  let child: FakeChild;

  function makeSupervisor(env: Record<string, string> = {}): WorkerSupervisor {
    const config = loadAppConfig({ PROGRESS_WRITE_MS: '10', WORKER_BOOT_TIMEOUT_MS: '200', WORKER_POOL_MIN: '0', ...env });
    const launcher = {
      launch: (events: WorkerProcessEvents) => {
        child = new FakeChild(4242 + children.length);
        children.push(child);
        return new WorkerProcess(child as never, events);
      },
    } as WorkerLauncher;
    return new WorkerSupervisor(store, config, new TaskTypeRegistry(config), launcher);
  }

  beforeEach(() => {
    store = new SqliteTaskStore(':memory:');
    children = [];
    supervisor = makeSupervisor();
  });
  afterEach(async () => {
    await supervisor.shutdown();
    await store.close();
  });

  async function startTask(timeoutMs = 60000): Promise<TaskRecord> {
    await store.insert({
      task_id: randomUUID(),
      task_type: 'process_data',
      task_data: { items: [1] },
      priority: 0,
      timeout_ms: timeoutMs,
      created_at: new Date().toISOString(),
    });
    const task = (await store.claimNext())!;
    supervisor.start(task);
    return task;
  }

  async function runningTask(timeoutMs?: number): Promise<TaskRecord> {
    const task = await startTask(timeoutMs);
    child.say({ type: 'online' });
    await flush();
    child.say({ type: 'ready', port: 40001 });
    await flush();
    return task;
  }

  it('fails the task, and settles, when no worker process can be forked', async () => {
    const config = loadAppConfig({ WORKER_POOL_MIN: '0' });
    const refusing = { launch: () => { throw new Error('spawn EAGAIN'); } } as unknown as WorkerLauncher;
    supervisor = new WorkerSupervisor(store, config, new TaskTypeRegistry(config), refusing);
    await store.insert({
      task_id: randomUUID(), task_type: 'process_data', task_data: {}, priority: 0, timeout_ms: 1000, created_at: new Date().toISOString(),
    });
    const task = (await store.claimNext())!;
    await expect(supervisor.start(task)).resolves.toBeUndefined();
    expect(await store.get(task.task_id)).toMatchObject({ status: 'failed', error: { code: 'WORKER_START_FAILED', message: 'spawn EAGAIN' } });
    expect(supervisor.size).toBe(0);
  });

  it('sends a new worker its secret token over IPC, then the task once it is ready, and records it running', async () => {
    const task = await startTask();
    child.say({ type: 'online' });
    await flush();
    expect(child.sent).toEqual([{ type: 'boot', token: expect.stringMatching(/^[\w-]{43}$/), nice: expect.any(Number) }]);
    child.say({ type: 'ready', port: 40001 });
    await flush();
    expect(child.sent[1]).toEqual({
      type: 'start',
      task: expect.objectContaining({ task_id: task.task_id, task_data: { items: [1] }, module: expect.stringContaining('process-data.handler') }),
    });
    expect(await store.get(task.task_id)).toMatchObject({ status: 'running', worker: 4242, worker_server: '127.0.0.1:40001' });
    expect(supervisor.list()).toEqual([expect.objectContaining({ pid: 4242, task_id: task.task_id, state: 'running' })]);
  });

  it('records progress throttled, then the result, and frees the slot with it', async () => {
    const task = await runningTask();
    const freed = jest.fn();
    supervisor.onSlotFreed(freed);
    for (let p = 1; p <= 50; p++) child.say({ type: 'progress', progress: p, info: { p } });
    await flush();
    expect(await store.get(task.task_id)).toMatchObject({ progress: 50, progress_info: { p: 50 } });
    child.say({ type: 'completed', result: { processed_items: 1, success: true }, peak_rss_bytes: 50e6, spent: null });
    await flush();
    expect(await store.get(task.task_id)).toMatchObject({
      status: 'completed',
      result: { processed_items: 1, success: true },
      progress: 100,
      worker_server: null,
    });
    expect(supervisor.size).toBe(0);
    expect(freed).toHaveBeenCalledTimes(1);
    expect(child.killedWith).toBeNull();
    expect(supervisor.list()).toEqual([expect.objectContaining({ pid: 4242, task_id: null, state: 'idle' })]);
  });

  it('gives the next task to the idle worker without forking or booting again', async () => {
    const first = await runningTask();
    child.say({ type: 'completed', result: {}, peak_rss_bytes: 50e6, spent: null });
    await flush();
    const second = await startTask();
    await flush();
    expect(children).toHaveLength(1);
    expect(child.sent.map((m) => m.type)).toEqual(['boot', 'start', 'start']);
    expect(child.sent[2].task.task_id).toBe(second.task_id);
    expect(await store.get(second.task_id)).toMatchObject({ status: 'running', worker: 4242 });
    expect(first.task_id).not.toBe(second.task_id);
  });

  it('recycles a worker after MAX_TASKS_PER_WORKER tasks, and gives the next task the successor booted meanwhile', async () => {
    await supervisor.shutdown();
    supervisor = makeSupervisor({ MAX_TASKS_PER_WORKER: '1' });
    await startTask();
    const [first, successor] = children;
    expect(children).toHaveLength(2);
    first.say({ type: 'online' });
    successor.say({ type: 'online' });
    await flush();
    first.say({ type: 'ready', port: 40001 });
    successor.say({ type: 'ready', port: 40002 });
    await flush();
    first.say({ type: 'completed', result: {}, peak_rss_bytes: 50e6, spent: null });
    await flush();
    expect(first.killedWith).toBe('SIGKILL');
    const second = await startTask();
    await flush();
    expect(successor.sent.map((m) => m.type)).toEqual(['boot', 'start']);
    expect(await store.get(second.task_id)).toMatchObject({ status: 'running', worker: successor.pid });
    expect(children).toHaveLength(3); // its own successor
  });

  it('never reuses a worker whose task failed', async () => {
    const task = await runningTask();
    child.say({ type: 'failed', error: { code: 'HANDLER_ERROR', message: 'boom' } });
    await flush();
    expect(child.killedWith).toBe('SIGKILL');
    expect(await store.get(task.task_id)).toMatchObject({ status: 'failed', error: { code: 'HANDLER_ERROR' } });
    expect(supervisor.size).toBe(0);
    expect(supervisor.list()).toEqual([]);
  });

  it('fails the task with the signal when the worker dies without a result', async () => {
    const task = await runningTask();
    child.emit('close', null, 'SIGSEGV');
    await flush();
    expect(await store.get(task.task_id)).toMatchObject({
      status: 'failed',
      error: { code: 'WORKER_EXITED', message: expect.stringContaining('SIGSEGV') },
    });
  });

  it('kills the worker at once when its control server cannot take a graceful terminate', async () => {
    // Nothing listens on the port the fake reported, so the request is refused.
    const task = await runningTask();
    const terminated = await supervisor.terminate(task.task_id, true, { code: 'TERMINATED', message: 'by request' });
    expect(terminated.status).toBe('terminated');
    for (let waited = 0; !child.killedWith && waited < 1000; waited += 20) await flush();
    // Well inside the 5 s grace period, which is for a handler that was asked.
    expect(child.killedWith).toBe('SIGKILL');
  });

  it('keeps exactly one outcome when a terminate races a completion', async () => {
    const task = await runningTask();
    const terminated = await supervisor.terminate(task.task_id, false, { code: 'TERMINATED', message: 'by request' });
    child.say({ type: 'completed', result: { late: true } });
    await flush();
    expect(terminated.status).toBe('terminated');
    expect(child.killedWith).toBe('SIGKILL');
    expect(await store.get(task.task_id)).toMatchObject({ status: 'terminated', result: null });
  });

  it('drops messages it does not know', async () => {
    const task = await runningTask();
    child.say({ type: 'completed!' });
    child.say('hello');
    child.say({ type: 'progress', progress: 'lots' });
    await flush();
    expect(await store.get(task.task_id)).toMatchObject({ status: 'running', progress: 0 });
  });

  it('fails and kills a worker that does not boot in time', async () => {
    const task = await startTask();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.killedWith).toBe('SIGKILL');
    expect(await store.get(task.task_id)).toMatchObject({ status: 'failed', error: { code: 'WORKER_BOOT_FAILED' } });
  });

  it('times the task out and kills the worker', async () => {
    const task = await runningTask(50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(child.killedWith).toBe('SIGKILL');
    expect(await store.get(task.task_id)).toMatchObject({ status: 'timed_out', error: { code: 'TIMEOUT' } });
  });

  it('stops a worker on time, and a failed one at once, while the store does not answer', async () => {
    // As a Redis out of reach does to the patient store: writes wait.
    const writes = jest.spyOn(store, 'transition');
    const timedOut = await runningTask(50);
    let answer!: () => void;
    const stalled = new Promise<null>((resolve) => (answer = () => resolve(null)));
    writes.mockImplementation(() => stalled);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(child.killedWith).toBe('SIGKILL');
    expect((await store.get(timedOut.task_id))!.status).toBe('running');

    writes.mockRestore();
    await runningTask();
    writes.mockImplementation(() => stalled);
    child.say({ type: 'failed', error: { code: 'HANDLER_ERROR', message: 'boom' } });
    expect(child.killedWith).toBe('SIGKILL');
    writes.mockRestore();
    answer();
  });

  it.each<[string, WorkerMessage, Record<string, unknown>]>([
    ['a failure', { type: 'failed', error: { code: 'HANDLER_ERROR', message: 'boom' } }, { status: 'failed', progress: 40 }],
    ['a result', { type: 'completed', result: { ok: true }, peak_rss_bytes: 50e6, spent: null }, { status: 'completed', result: { ok: true }, progress: 100 }],
  ])('records the progress details not yet written together with %s', async (_outcome, message, recorded) => {
    await supervisor.shutdown();
    supervisor = makeSupervisor({ PROGRESS_WRITE_MS: '60000' });
    const task = await runningTask();
    child.say({ type: 'progress', progress: 10, info: { step: 1 } });
    await flush();
    child.say({ type: 'progress', progress: 40, info: { step: 4 } });
    child.say(message);
    await flush();
    expect(await store.get(task.task_id)).toMatchObject({ ...recorded, progress_info: { step: 4 } });
  });

  it('does not count paused time against the timeout', async () => {
    const task = await runningTask(150);
    child.say({ type: 'paused' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await store.get(task.task_id))!.status).toBe('paused');
    child.say({ type: 'resumed' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await store.get(task.task_id))!.status).toBe('timed_out');
  });
});
