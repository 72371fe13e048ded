import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { WORKER_TASK_HEADER, WORKER_TOKEN_HEADER } from '../workers/worker-protocol';
import { startControlApp } from './control-app';
import type { WorkerToken } from './control.controller';
import type { ControlledRun, RunControl } from './run-control';

/** The control app as the supervisor sees it, over its own node:http adapter: routes, guard, Nest's error bodies. */
describe('control app', () => {
  const TOKEN = 'secret-token';
  const token: WorkerToken = { value: TOKEN };
  const run = {
    status: jest.fn(() => ({ task_id: 't1', state: 'running' })),
    pause: jest.fn(async () => true),
    resume: jest.fn(),
    terminate: jest.fn(),
  };
  const control: { run: ControlledRun | null; runSoon: jest.Mock<Promise<ControlledRun | null>, [string, number]> } = {
    run: run as unknown as ControlledRun,
    // The real one waits for the named task, which the supervisor has just sent, to begin (RunBoard.readSoon).
    runSoon: jest.fn(async (_taskId: string, _waitMs: number) => control.run),
  };
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await startControlApp(control as unknown as RunControl, token);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    control.run = run as unknown as ControlledRun;
    token.value = TOKEN;
    jest.clearAllMocks();
  });

  function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
    return fetch(base + path, {
      method,
      headers: { [WORKER_TOKEN_HEADER]: TOKEN, [WORKER_TASK_HEADER]: 't1', 'content-type': 'application/json', ...init.headers },
      body: init.body,
    });
  }

  it('answers GET /status with the run status as JSON', async () => {
    const response = await call('GET', '/status');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ task_id: 't1', state: 'running' });
  });

  it('ignores a query string and a trailing slash', async () => {
    expect((await call('GET', '/status/?x=1')).status).toBe(200);
  });

  it('pauses and resumes through POST /control with a JSON body', async () => {
    const pause = await call('POST', '/control', { body: JSON.stringify({ action: 'pause' }) });
    expect(pause.status).toBe(200);
    expect(run.pause).toHaveBeenCalledWith(1000);
    expect((await call('POST', '/control', { body: '{"action":"resume"}' })).status).toBe(200);
    expect(run.resume).toHaveBeenCalled();
  });

  it('answers POST /terminate with 202', async () => {
    const response = await call('POST', '/terminate');
    expect(response.status).toBe(202);
    expect(run.terminate).toHaveBeenCalled();
  });

  it('refuses a missing or wrong token with 401, and every request before the token is known', async () => {
    const wrong = await call('GET', '/status', { headers: { [WORKER_TOKEN_HEADER]: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'missing or wrong worker token' });
    token.value = null;
    expect((await call('GET', '/status')).status).toBe(401);
  });

  it('answers 409 when the worker does not run the task the request names, nor begins it within 500 ms', async () => {
    control.run = null;
    const response = await call('GET', '/status');
    expect(control.runSoon).toHaveBeenCalledWith('t1', 500);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ statusCode: 409, error: 'Conflict', message: 'this worker does not run task t1' });
  });

  it('answers 400 to a request that names no task, on every route', async () => {
    const unnamed = { [WORKER_TASK_HEADER]: '' };
    const status = await call('GET', '/status', { headers: unnamed });
    expect(status.status).toBe(400);
    expect(await status.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: `the ${WORKER_TASK_HEADER} header names the task asked about` });
    expect((await call('POST', '/control', { body: '{"action":"pause"}', headers: unnamed })).status).toBe(400);
    expect((await call('POST', '/terminate', { headers: unnamed })).status).toBe(400);
    expect(control.runSoon).not.toHaveBeenCalled();
    expect(run.pause).not.toHaveBeenCalled();
    expect(run.terminate).not.toHaveBeenCalled();
  });

  it('answers 400 to an unknown action, a missing body and JSON that does not parse', async () => {
    const unknown = await call('POST', '/control', { body: '{"action":"dance"}' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'action must be pause or resume' });
    expect((await call('POST', '/control')).status).toBe(400);
    expect((await call('POST', '/control', { body: '{"action":' })).status).toBe(400);
    expect((await call('POST', '/control', { body: 'action=pause', headers: { 'content-type': 'text/plain' } })).status).toBe(400);
  });

  it('answers 413 to a body far larger than a control request', async () => {
    const response = await call('POST', '/control', { body: JSON.stringify({ action: 'pause', pad: 'x'.repeat(100_000) }) });
    expect(response.status).toBe(413);
    expect(run.pause).not.toHaveBeenCalled();
  });

  it('answers 404 to an unknown route or method', async () => {
    const response = await call('GET', '/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nope' });
    expect((await call('DELETE', '/status')).status).toBe(404);
    // Looked up before the body is read: a large body to an unknown route is not even read.
    expect((await call('POST', '/nope', { body: JSON.stringify({ pad: 'x'.repeat(100_000) }) })).status).toBe(404);
  });

  it('answers 500 without details when the handler throws something that is not an HTTP error', async () => {
    run.status.mockImplementationOnce(() => {
      throw new Error('internal detail');
    });
    const response = await call('GET', '/status');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
  });
});
