import { join } from 'node:path';
import type { TaskAssignment, WorkerMessage } from '../../src/workers/worker-protocol';
import { WORKER_TASK_HEADER, WORKER_TOKEN_HEADER } from '../../src/workers/worker-protocol';
import { bootWorker, stopWorker, type BootedWorker } from './booted-worker';

const CHECKPOINTS = join(__dirname, '..', 'fixtures', 'slow-checkpoints.js');

/**
 * A worker serves tasks one after another, and its control app answers about
 * the task a request names: a request about a task that has ended, sent as
 * the next one begins, must not pause, stop or describe that next one.
 */
describe('control requests to a worker that serves tasks one after another', () => {
  let worker: BootedWorker;
  beforeAll(async () => (worker = await bootWorker()));
  afterAll(() => stopWorker(worker));

  function start(taskId: string, delayMs: number): void {
    const task: TaskAssignment = { task_id: taskId, task_type: 'fixture_slow_checkpoints', task_data: { delay_ms: delayMs }, module: CHECKPOINTS, max_result_bytes: 1_000_000 };
    worker.child.send({ type: 'start', task });
  }

  function outcome(): Promise<WorkerMessage> {
    return new Promise((resolve) => {
      const listen = (message: WorkerMessage) => {
        if (message.type !== 'completed' && message.type !== 'failed' && message.type !== 'aborted') return;
        worker.child.off('message', listen);
        resolve(message);
      };
      worker.child.on('message', listen);
    });
  }

  async function ask(method: string, path: string, taskId: string | null, body?: unknown) {
    const headers: Record<string, string> = { [WORKER_TOKEN_HEADER]: worker.token, 'content-type': 'application/json' };
    if (taskId) headers[WORKER_TASK_HEADER] = taskId;
    const response = await fetch(`http://127.0.0.1:${worker.port}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('refuses at once a request about the task that has ended, and leaves the next one alone', async () => {
    const first = outcome();
    start('task-a', 0);
    expect((await first).type).toBe('completed');
    const second = outcome();
    start('task-b', 10);

    const asked = performance.now();
    const pause = await ask('POST', '/control', 'task-a', { action: 'pause' });
    expect(pause.status).toBe(409);
    expect(pause.body.message).toBe('this worker does not run task task-a');
    expect(performance.now() - asked).toBeLessThan(400);
    expect((await ask('GET', '/status', 'task-a')).status).toBe(409);
    expect((await ask('POST', '/terminate', 'task-a')).status).toBe(409);

    const status = await ask('GET', '/status', 'task-b');
    expect(status).toMatchObject({ status: 200, body: { task_id: 'task-b', state: 'running', paused: false } });
    expect(await ask('POST', '/control', 'task-b', { action: 'pause' })).toMatchObject({ status: 200, body: { task_id: 'task-b', paused: true } });
    expect(await ask('POST', '/control', 'task-b', { action: 'resume' })).toMatchObject({ status: 200, body: { task_id: 'task-b' } });
    expect((await second).type).toBe('completed');
  });

  it('waits for the task a request names when it has not begun yet', async () => {
    // Sent together: the control thread may read the request before the main thread begins the task.
    const done = outcome();
    start('task-c', 5);
    const status = await ask('GET', '/status', 'task-c');
    expect(status).toMatchObject({ status: 200, body: { task_id: 'task-c', state: 'running' } });
    expect((await done).type).toBe('completed');
  });

  it('refuses a request that names no task', async () => {
    const response = await ask('GET', '/status', null);
    expect(response).toMatchObject({ status: 400, body: { message: `the ${WORKER_TASK_HEADER} header names the task asked about` } });
  });
});
