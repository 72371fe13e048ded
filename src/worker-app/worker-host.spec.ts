import { EventEmitter } from 'node:events';
import type { TaskAssignment, WorkerMessage } from '../workers/worker-protocol';
import type { ControlToHandler, HandlerThreadData, HandlerToControl } from './thread-protocol';
import { ThreadReadiness } from './thread-readiness';
import { WorkerHost } from './worker-host';

/** Stands in for a handler thread: what it is sent, and what it says back when the test makes it. */
class MockThread extends EventEmitter {
  static started: MockThread[] = [];
  readonly posted: ControlToHandler[] = [];
  terminated = false;
  private readonly readiness: ThreadReadiness;

  constructor(data: HandlerThreadData) {
    super();
    this.readiness = new ThreadReadiness(data.readiness);
    MockThread.started.push(this);
  }

  /** As the real thread does once a task's leftovers are undone. */
  putBack(): void {
    this.readiness.markClean();
  }

  postMessage(message: ControlToHandler): void {
    this.posted.push(message);
  }

  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }

  unref(): void {}

  say(message: HandlerToControl): void {
    this.emit('message', message);
  }

  get runs(): string[] {
    return this.posted.filter((m) => m.type === 'run').map((m) => (m.type === 'run' ? String(m.data.input.n) : ''));
  }
}

// The factory runs before this file's classes exist; the thread is made when the host asks for one.
jest.mock('node:worker_threads', () => ({
  Worker: jest.fn((_file: string, options: { workerData: HandlerThreadData }) => new MockThread(options.workerData)),
}));

/** A wait on shared memory settles through the event loop, after the turn that released it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const task = (n: number): TaskAssignment => ({ task_id: `t${n}`, task_type: 'noop', task_data: { n }, module: '/handler.js', max_result_bytes: 1024 });
const result = (value: unknown): HandlerToControl => ({ type: 'outcome', outcome: { type: 'result', result: value } });

describe('WorkerHost', () => {
  let reports: WorkerMessage[];
  let host: WorkerHost;
  beforeEach(() => {
    MockThread.started = [];
    reports = [];
    host = new WorkerHost((message) => reports.push(message));
    host.prepare();
  });

  it('reports the outcome at once, and holds the next run until the thread is put back', async () => {
    const thread = MockThread.started[0];
    host.start(task(1));
    await settle();
    expect(thread.runs).toEqual(['1']);

    thread.say(result('one'));
    expect(reports).toEqual([expect.objectContaining({ type: 'completed', result: 'one' })]);
    host.start(task(2));
    await settle();
    expect(thread.runs).toEqual(['1']);

    thread.putBack();
    await settle();
    expect(thread.runs).toEqual(['1', '2']);
    expect(MockThread.started).toHaveLength(1);
  });

  it('hands the next run over at once when the thread was put back before it came', async () => {
    const thread = MockThread.started[0];
    host.start(task(1));
    await settle();
    thread.say(result('one'));
    thread.putBack();
    host.start(task(2));
    await Promise.resolve();
    expect(thread.runs).toEqual(['1', '2']);
  });

  /** Task 1 runs and completes; task 2 arrives before the thread has said whether it is clean. Returns that thread. */
  async function nextTaskWhileRestoring(): Promise<MockThread> {
    const first = MockThread.started[0];
    host.start(task(1));
    await settle();
    first.say(result('one'));
    host.start(task(2));
    return first;
  }

  it('gives a held run to a fresh thread when the last task left its thread spent, and logs why', async () => {
    const first = await nextTaskWhileRestoring();
    first.say({ type: 'spent', reason: 'the task left process listeners behind' });
    await settle();

    expect(first.terminated).toBe(true);
    expect(first.runs).toEqual(['1']);
    expect(MockThread.started).toHaveLength(2);
    expect(MockThread.started[1].runs).toEqual(['2']);
    expect(reports).toContainEqual({ type: 'log', message: 'handler thread replaced: the task left process listeners behind (after task t1)' });
  });

  it('drops the thread of a failed task, and boots one should the process serve again', async () => {
    const first = MockThread.started[0];
    host.start(task(1));
    await settle();
    first.say({ type: 'outcome', outcome: { type: 'error', code: 'HANDLER_ERROR', message: 'boom' } });
    expect(first.terminated).toBe(true);
    expect(reports).toEqual([{ type: 'failed', error: { code: 'HANDLER_ERROR', message: 'boom' } }]);

    host.start(task(2));
    await settle();
    expect(MockThread.started).toHaveLength(2);
    expect(MockThread.started[1].runs).toEqual(['2']);
  });

  it.each([
    ['exits', (thread: MockThread) => thread.emit('exit', 1)],
    ['throws, then exits', (thread: MockThread) => (thread.emit('error', new Error('thrown while put back')), thread.emit('exit', 1))],
  ])('gives a held run to a fresh thread when the thread %s before it is put back, without failing the run', async (_how, die) => {
    const first = await nextTaskWhileRestoring();
    die(first);
    await settle();

    expect(MockThread.started).toHaveLength(2);
    expect(MockThread.started[1].runs).toEqual(['2']);
    expect(reports.map((r) => r.type)).toEqual(['completed']);
  });

  it('fails the running task when its thread dies under it', async () => {
    const first = MockThread.started[0];
    host.start(task(1));
    await settle();
    first.emit('exit', 7);
    expect(reports).toEqual([{ type: 'failed', error: { code: 'HANDLER_EXITED', message: 'handler exited (code 7) without a result' } }]);
  });
});
