import { FIXTURES_DIR, processAlive, processGone, Service, sleep, waitUntil } from './service';

/** Workers that misbehave, limits, and a service that dies or is stopped. */
describe('worker faults and limits', () => {
  let service: Service;

  beforeAll(async () => {
    service = await Service.start({ MAX_CONCURRENCY: '2', MAX_RESULT_BYTES: '1048576', MONITOR_CRON: '* * * * * *' });
  });
  afterAll(async () => {
    await service.stop();
    service.cleanup();
  });

  it.each([
    ['fixture_crash', 'WORKER_EXITED', /killed by SIGKILL/],
    ['fixture_exit_zero', 'HANDLER_EXITED', /without a result/],
    ['fixture_throws', 'HANDLER_ERROR', /boom/],
    ['fixture_throws_later', 'HANDLER_CRASHED', /thrown from a timer/],
    ['fixture_huge_result', 'RESULT_TOO_LARGE', /limit is 1048576/],
  ])('%s fails its task with %s and leaves the service healthy', async (type, code, message) => {
    const task = await service.submit(type, { delay_ms: 50 });
    const failed = await service.waitForStatus(task.task_id, 'failed');
    expect(failed.error.code).toBe(code);
    expect(failed.error.message).toMatch(message);
    expect(failed.result).toBeNull();
    await waitUntil(() => processGone(failed.worker), 2000);
    expect((await service.request('GET', '/health')).status).toBe(200);
  });

  it('times a task out, paused time excluded, and kills its worker', async () => {
    const task = await service.submit('fixture_hang', {}, { timeout_ms: 700 });
    const timedOut = await service.waitForStatus(task.task_id, 'timed_out', 5000);
    expect(timedOut.error).toMatchObject({ code: 'TIMEOUT' });
    expect(Date.parse(timedOut.finished_at) - Date.parse(timedOut.started_at)).toBeGreaterThanOrEqual(650);
    await waitUntil(() => processGone(timedOut.worker), 2000);

    const paused = await service.submit('process_data', { step_ms: 300 }, { timeout_ms: 1500 });
    await service.waitForStatus(paused.task_id, 'running');
    await service.request('POST', `/tasks/${paused.task_id}/control`, { action: 'pause' });
    await sleep(2000);
    expect((await service.task(paused.task_id)).status).toBe('paused');
    await service.request('POST', `/tasks/${paused.task_id}/control`, { action: 'resume' });
    await service.waitForStatus(paused.task_id, 'timed_out', 5000);
  });

  it('never runs more than MAX_CONCURRENCY workers', async () => {
    const tasks = [];
    for (let i = 0; i < 5; i++) tasks.push(await service.submit('process_data', { step_ms: 60 }));
    let most = 0;
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      const { body } = await service.request('GET', '/workers');
      const running = (await service.request('GET', '/tasks?status=running')).body.tasks.length;
      const busy = body.workers.filter((w: any) => w.task_id !== null).length;
      most = Math.max(most, busy, running);
      const all = await Promise.all(tasks.map((t) => service.task(t.task_id)));
      if (all.every((t) => t.status === 'completed')) break;
      await sleep(30);
    }
    expect(most).toBe(2);
  });

  it('gives a freed slot to the highest priority, then the oldest', async () => {
    // Two blockers hold both slots, so the order of claims is set only by which blocker we free.
    const blockers = [await service.submit('fixture_hang'), await service.submit('fixture_hang')];
    for (const blocker of blockers) await service.waitForStatus(blocker.task_id, 'running');
    const older = await service.submit('fixture_hang');
    const newer = await service.submit('fixture_hang');
    const urgent = await service.submit('fixture_hang', {}, { priority: 10 });
    const statusOf = async (t: any) => (await service.task(t.task_id)).status;

    await service.request('DELETE', `/tasks/${blockers[0].task_id}`);
    await service.waitForTask(urgent.task_id, (t) => t.status !== 'queued');
    expect([await statusOf(older), await statusOf(newer)]).toEqual(['queued', 'queued']);

    await service.request('DELETE', `/tasks/${blockers[1].task_id}`);
    await service.waitForTask(older.task_id, (t) => t.status !== 'queued');
    expect(await statusOf(newer)).toBe('queued');

    for (const t of [urgent, older, newer]) await service.request('DELETE', `/tasks/${t.task_id}`);
  });

  it('logs task state from the monitor', async () => {
    const task = await service.submit('fixture_hang');
    await service.waitForStatus(task.task_id, 'running');
    const line = await service.waitForLog(new RegExp(`\\[Monitor\\].*${task.task_id} fixture_hang running 0% pid=\\d+ elapsed=`), 3000);
    expect(line).toBeTruthy();
    await service.waitForLog(/\[Monitor\].*tasks: .*running=1/, 3000);
    await service.request('DELETE', `/tasks/${task.task_id}`);
  });
});

describe('bad input', () => {
  let service: Service;
  beforeAll(async () => {
    service = await Service.start({ MAX_CONCURRENCY: '1', MAX_QUEUED: '2' });
  });
  afterAll(async () => {
    await service.stop();
    service.cleanup();
  });

  const count = async () => (await service.request('GET', '/tasks?limit=500')).body.tasks.length;

  it.each([
    ['malformed JSON', '{"task_type": ', 400, /JSON|Unexpected|Expected/],
    ['unknown task_type', { task_type: 'rm_rf', task_data: {} }, 400, /known types: process_data, generate_report, cpu_intensive/],
    ['task_data failing its schema', { task_type: 'cpu_intensive', task_data: { complexity: -5 } }, 400, /task_data\.complexity/],
    ['unknown field in task_data', { task_type: 'process_data', task_data: { step_ms: 1, path: '/etc' } }, 400, /task_data\.path/],
    ['__proto__ in task_data', '{"task_type": "process_data", "task_data": {"__proto__": {"polluted": 1}}}', 400, /task_data\.__proto__/],
    ['constructor in task_data', { task_type: 'process_data', task_data: { constructor: { x: 1 } } }, 400, /task_data\.constructor/],
    ['unknown top-level field', { task_type: 'process_data', module: '/tmp/x.js' }, 400, /module should not exist/],
    ['task_data that is not an object', { task_type: 'process_data', task_data: [1] }, 400, /task_data/],
    ['missing task_type', { task_data: {} }, 400, /task_type/],
    ['bad priority', { task_type: 'process_data', priority: 'high' }, 400, /priority/],
    ['bad timeout_ms', { task_type: 'process_data', timeout_ms: 0 }, 400, /timeout_ms/],
  ])('refuses %s and stores nothing', async (_, body, status, message) => {
    const before = await count();
    const reply = await service.request('POST', '/tasks', body);
    expect(reply.status).toBe(status);
    expect(reply.body.message).toMatch(message);
    expect(JSON.stringify(reply.body)).not.toMatch(/\bat .*\.js:\d+/);
    expect(await count()).toBe(before);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const reply = await service.request('POST', '/tasks', { task_type: 'process_data', task_data: { items: ['x'.repeat(1100000)] } });
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body in a charset or encoding it cannot read with 415', async () => {
    const body = JSON.stringify({ task_type: 'process_data' });
    const charset = await service.request('POST', '/tasks', body, { 'content-type': 'application/json; charset=latin9' });
    expect(charset).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_ENCODING' } });
    const encoding = await service.request('POST', '/tasks', body, { 'content-encoding': 'rot13' });
    expect(encoding).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_ENCODING' } });
  });

  it('answers 404 for an unknown id on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await service.request('GET', `/tasks/${id}`)).status).toBe(404);
    expect((await service.request('GET', `/tasks/${id}?detail=true`)).status).toBe(404);
    expect((await service.request('POST', `/tasks/${id}/control`, { action: 'pause' })).status).toBe(404);
    expect((await service.request('DELETE', `/tasks/${id}`)).body.code).toBe('TASK_NOT_FOUND');
  });

  it('refuses unknown control actions and bad query values', async () => {
    const task = await service.submit('process_data', { step_ms: 0 });
    expect((await service.request('POST', `/tasks/${task.task_id}/control`, { action: 'explode' })).status).toBe(400);
    expect((await service.request('POST', `/tasks/${task.task_id}/control`, {})).status).toBe(400);
    for (const query of ['limit=501', 'limit=0', 'status=weird', 'cursor=bogus', 'sort=asc']) {
      expect([query, (await service.request('GET', `/tasks?${query}`)).status]).toEqual([query, 400]);
    }
    expect((await service.request('GET', `/tasks/${task.task_id}?detail=maybe`)).status).toBe(400);
    expect((await service.request('DELETE', `/tasks/${task.task_id}?use_http=perhaps`)).status).toBe(400);
  });

  it('answers 429 with Retry-After beyond MAX_QUEUED waiting tasks', async () => {
    const running = await service.submit('fixture_hang');
    await service.waitForStatus(running.task_id, 'running');
    const queued = [await service.submit('process_data'), await service.submit('process_data')];
    const before = await count();
    const refused = await service.request('POST', '/tasks', { task_type: 'process_data' });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('QUEUE_FULL');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await count()).toBe(before);
    await service.request('DELETE', `/tasks/${queued[1].task_id}`);
    // One place is free: a batch of two does not fit, and none of it is stored.
    const batch = await service.request('POST', '/tasks/batch', { tasks: [{ task_type: 'process_data' }, { task_type: 'process_data' }] });
    expect(batch.status).toBe(429);
    expect(batch.body.message).toMatch(/^2 more tasks would take the queue past its limit of 2/);
    expect(await count()).toBe(before);
    const tooBig = await service.request('POST', '/tasks/batch', { tasks: [1, 2, 3].map(() => ({ task_type: 'process_data' })) });
    expect(tooBig.body).toMatchObject({ statusCode: 400, code: 'BATCH_TOO_LARGE' });
    for (const t of [queued[0], running]) await service.request('DELETE', `/tasks/${t.task_id}`);
  });
});

describe('service lifecycle', () => {
  it.each([
    [{ MAX_CONCURRENCY: 'zero' }, /MAX_CONCURRENCY="zero": .*must be an integer/],
    [{ MONITOR_CRON: 'often' }, /MONITOR_CRON="often": not a cron expression/],
    [{ TASKS_DIR: '/nonexistent-task-types' }, /TASKS_DIR: folder \/nonexistent-task-types cannot be read/],
    [{ TASKS_DIR: `${FIXTURES_DIR}/lib` }, /TASKS_DIR: .*fixture-input\.js is not a task type/],
  ])('refuses to start on a bad setting %j, naming it', async (env, message) => {
    const { code, output } = await Service.startFailing(env);
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/listening on/);
  });

  it('leaves no worker behind after kill -9, and a restart shows interrupted and runs the queue', async () => {
    const first = await Service.start({ MAX_CONCURRENCY: '2' });
    const running = [await first.submit('fixture_hang'), await first.submit('cpu_intensive', { complexity: 50_000_000, batches: 100 })];
    const queued = await first.submit('process_data', { step_ms: 10 });
    const pids = (await Promise.all(running.map((t) => first.waitForStatus(t.task_id, 'running')))).map((t) => t.worker);
    expect(pids.every(processAlive)).toBe(true);
    await first.stop('SIGKILL');
    await waitUntil(() => !pids.some(processAlive), 2500);

    const second = await Service.start({ MAX_CONCURRENCY: '2' }, first.dataDir);
    try {
      for (const t of running) {
        expect(await second.task(t.task_id)).toMatchObject({ status: 'interrupted', error: { code: 'INTERRUPTED' } });
      }
      await second.waitForStatus(queued.task_id, 'completed');
      await second.waitForLog(/2 task\(s\) left running by a previous process are now interrupted/);
    } finally {
      await second.stop();
      second.cleanup();
    }
  });

  it('on SIGTERM stops its workers, records them interrupted, keeps the queue and exits cleanly', async () => {
    const first = await Service.start({ MAX_CONCURRENCY: '1', TERMINATE_GRACE_MS: '1000' });
    const running = await first.submit('fixture_hang');
    const queued = await first.submit('process_data', { step_ms: 10 });
    const { worker } = await first.waitForStatus(running.task_id, 'running');
    const started = Date.now();
    // Nest re-raises the signal once shut down, the conventional exit of a process stopped by one.
    expect(await first.stop('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(processAlive(worker)).toBe(false);

    const second = await Service.start({ MAX_CONCURRENCY: '1' }, first.dataDir);
    try {
      expect(await second.task(running.task_id)).toMatchObject({
        status: 'interrupted',
        error: { code: 'INTERRUPTED', message: expect.stringContaining('shut down') },
      });
      await second.waitForStatus(queued.task_id, 'completed');
    } finally {
      await second.stop();
      second.cleanup();
    }
  });
});
