import { randomUUID } from 'node:crypto';
import { loadAppConfig, type AppConfig } from '../config/app-config';
import type { TaskRecord } from '../tasks/task';
import { InvalidTransitionError, TaskNotFoundError, WorkerUnreachableError } from '../tasks/task-errors';
import { ControlBus } from './control-bus';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two nodes' buses on the real Redis, under a prefix of this test's own. */
describe('ControlBus', () => {
  const prefix = `ntr-test-${randomUUID()}`;
  const configFor = (name: string): AppConfig =>
    ({ ...loadAppConfig({ QUEUE: 'bullmq', REDIS_URL, REDIS_PREFIX: prefix }), nodeId: name }) as AppConfig;
  const api = new ControlBus(configFor('api'));
  const worker = new ControlBus(configFor('worker'));
  const record = { task_id: 't1', status: 'paused' } as TaskRecord;

  beforeAll(async () => {
    await Promise.all([api.onModuleInit(), worker.onModuleInit()]);
    worker.serve(async (request) => {
      if (request.task_id === 'missing') throw new TaskNotFoundError(request.task_id);
      if (request.op === 'terminate') throw new InvalidTransitionError(request.task_id, 'completed', 'terminate');
      if (request.op === 'status') throw new Error('a bug with a stack trace');
      return record;
    });
  });
  afterAll(() => {
    api.onApplicationShutdown();
    worker.onApplicationShutdown();
  });

  it('carries a request to the named node and its answer back', async () => {
    await expect(api.request('worker', { op: 'control', task_id: 't1', action: 'pause' })).resolves.toEqual(record);
  });

  it('turns the remote node’s domain errors back into the same errors', async () => {
    const conflict = api.request('worker', { op: 'terminate', task_id: 't1', graceful: false, reason: { code: 'X', message: 'x' } });
    await expect(conflict).rejects.toMatchObject({ constructor: InvalidTransitionError, current: 'completed' });
    await expect(api.request('worker', { op: 'control', task_id: 'missing', action: 'pause' })).rejects.toBeInstanceOf(TaskNotFoundError);
  });

  it('hides an unexpected remote failure behind a 502-style error without its stack', async () => {
    const failure = api.request('worker', { op: 'status', task_id: 't1' });
    await expect(failure).rejects.toBeInstanceOf(WorkerUnreachableError);
    await expect(failure).rejects.toThrow(/could not carry out the request$/);
  });

  it('fails at once when no node listens under that name', async () => {
    const started = Date.now();
    await expect(api.request('gone', { op: 'status', task_id: 't1' })).rejects.toThrow(/not listening/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
