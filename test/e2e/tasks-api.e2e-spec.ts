import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES_DIR, FIXTURES_DIR, Service } from './service';

/** The reference service's README examples and the API's contract, against the real service. */
describe('tasks API', () => {
  let service: Service;

  beforeAll(async () => {
    service = await Service.start({ MAX_CONCURRENCY: '2', TASKS_DIR: `${FIXTURES_DIR}:${EXAMPLES_DIR}` });
  });
  afterAll(async () => {
    await service.stop();
    service.cleanup();
  });

  it('runs process_data as in the reference README and keeps its result', async () => {
    const created = await service.submit('process_data', { items: [1, 2, 3, 4, 5], step_ms: 20 });
    expect(created).toMatchObject({
      task_type: 'process_data',
      status: 'queued',
      task_data: { items: [1, 2, 3, 4, 5], step_ms: 20 },
      priority: 0,
      progress: 0,
      result: null,
      worker_server: null,
    });
    expect(created.task_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const done = await service.waitForStatus(created.task_id, 'completed');
    expect(done).toMatchObject({
      result: { processed_items: 5, success: true },
      progress: 100,
      progress_info: { step: 10, steps: 10 },
      attempts: 1,
      error: null,
      worker_server: null,
    });
    expect(done.worker).toEqual(expect.any(Number));
    expect(Date.parse(done.finished_at)).toBeGreaterThanOrEqual(Date.parse(done.started_at));
  });

  it('takes a batch in one request, all or none, and runs each task', async () => {
    const items = [
      { task_type: 'word_count', task_data: { text: 'one two' } },
      { task_type: 'process_data', task_data: { items: [1, 2], step_ms: 1 }, priority: 3 },
      { task_type: 'word_count', task_data: { text: 'three' }, timeout_ms: 5000 },
    ];
    const created = await service.request('POST', '/tasks/batch', { tasks: items });
    expect(created.status).toBe(201);
    expect(created.body.tasks).toEqual(items.map((item) => expect.objectContaining({ ...item, status: 'queued', task_id: expect.any(String) })));
    const done = await Promise.all(created.body.tasks.map((t: { task_id: string }) => service.waitForStatus(t.task_id, 'completed')));
    expect(done.map((t) => t.result)).toEqual([
      expect.objectContaining({ total: 2 }),
      { processed_items: 2, success: true },
      expect.objectContaining({ total: 1 }),
    ]);

    const total = async () => (await service.request('GET', '/tasks?limit=100')).body.tasks.length;
    const before = await total();
    const bad = await service.request('POST', '/tasks/batch', {
      tasks: [items[0], { task_type: 'no_such_type' }, { task_type: 'process_data', task_data: { items: 'x' } }],
    });
    expect(bad.body).toMatchObject({
      statusCode: 400,
      code: 'INVALID_BATCH',
      details: [
        { index: 1, code: 'UNKNOWN_TASK_TYPE' },
        { index: 2, code: 'INVALID_TASK_DATA', details: [expect.objectContaining({ field: 'task_data.items' })] },
      ],
    });
    const malformed = await service.request('POST', '/tasks/batch', { tasks: [items[0], { task_type: 'word_count', color: 'red' }] });
    expect(malformed.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'tasks.1.color' }] });
    for (const body of [{ tasks: [] }, { tasks: 'x' }, {}, { tasks: Array.from({ length: 1001 }, () => items[0]) }]) {
      expect((await service.request('POST', '/tasks/batch', body)).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    }
    expect(await total()).toBe(before);
  });

  it('runs generate_report and cpu_intensive with the reference result shapes', async () => {
    const report = await service.submit('generate_report', { report_type: 'detailed', step_ms: 10 });
    const cpu = await service.submit('cpu_intensive', { complexity: 200000, batches: 3 });
    const reportDone = await service.waitForStatus(report.task_id, 'completed');
    expect(reportDone.result).toMatchObject({ report_type: 'detailed', generated_at: expect.any(String), report_data: expect.any(Object) });
    const cpuDone = await service.waitForStatus(cpu.task_id, 'completed');
    expect(cpuDone.result).toMatchObject({ complexity: 200000, batches: 3, average: expect.any(Number), elapsed_seconds: expect.any(Number) });
    expect(cpuDone.result.batch_results).toHaveLength(3);
  });

  it('applies the reference defaults to task_data', async () => {
    const task = await service.submit('cpu_intensive', { batches: 1 });
    expect(task.task_data).toEqual({ complexity: 1000000, batches: 1 });
    expect(task.timeout_ms).toBe(3600000);
    const report = await service.submit('generate_report', {}, { timeout_ms: 1234, priority: 7 });
    expect(report).toMatchObject({ task_data: { report_type: 'summary', step_ms: 1000 }, timeout_ms: 1234, priority: 7 });
    await service.request('DELETE', `/tasks/${report.task_id}`);
  });

  it('runs a task type from TASKS_DIR, as the README shows', async () => {
    const task = await service.submit('word_count', { text: 'to be or not to be' });
    const done = await service.waitForStatus(task.task_id, 'completed');
    expect(done.result).toEqual({ total: 6, distinct: 4, counts: { to: 2, be: 2, or: 1, not: 1 } });
    await service.waitForLog(/counted 6 words/);
  });

  it('lists newest first with filters and cursors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await service.submit('word_count', { text: `n${i}` })).task_id);
    const page = await service.request('GET', '/tasks?task_type=word_count&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.tasks.map((t: any) => t.task_id)).toEqual([ids[2], ids[1]]);
    const next = await service.request('GET', `/tasks?task_type=word_count&limit=2&cursor=${page.body.next_cursor}`);
    expect(next.body.tasks.map((t: any) => t.task_id)).toEqual([ids[0], expect.any(String)]);
    for (const id of ids) await service.waitForStatus(id, 'completed');
    const completed = await service.request('GET', '/tasks?status=completed&limit=500');
    expect(completed.body.tasks.every((t: any) => t.status === 'completed')).toBe(true);
    expect((await service.request('GET', '/tasks')).body.tasks.length).toBeLessThanOrEqual(50);
  });

  it('describes every task type with its schema and defaults', async () => {
    const { body } = await service.request('GET', '/task-types');
    const byName = Object.fromEntries(body.task_types.map((t: any) => [t.name, t]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['process_data', 'generate_report', 'cpu_intensive', 'word_count']));
    expect(byName.cpu_intensive).toMatchObject({
      default_timeout_ms: 3600000,
      defaults: { complexity: 1000000, batches: 5 },
      input_schema: { properties: { complexity: { type: 'number', default: 1000000 }, batches: { type: 'number' } } },
    });
    expect(byName.word_count.input_schema.properties.text).toMatchObject({ type: 'string' });
  });

  it('serves health, workers and the Swagger UI', async () => {
    const health = await service.request('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', ready: true } });
    const workers = await service.request('GET', '/workers');
    expect(workers.body).toEqual({ workers: expect.any(Array) });
    const docs = await fetch(`${service.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    const spec = await service.request('GET', '/docs-json');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/tasks', '/tasks/{task_id}', '/tasks/{task_id}/control', '/task-types', '/workers', '/health']),
    );
  });

  it('matches the committed openapi/openapi.json (run `npm run openapi` after changing the API)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generateOpenApi, OPENAPI_FILE } = require(join(__dirname, '..', '..', 'dist', 'openapi', 'write-openapi.js'));
    expect(JSON.parse(await generateOpenApi())).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });

  it('never shows the worker token', async () => {
    const task = await service.submit('fixture_graceful', { marker: '/dev/null' });
    const detail = await service.waitForTask(task.task_id, (t) => t.status === 'running');
    const views = [
      JSON.stringify(detail),
      JSON.stringify((await service.request('GET', `/tasks/${task.task_id}?detail=true`)).body),
      JSON.stringify((await service.request('GET', '/workers')).body),
    ];
    for (const view of views) expect(view).not.toMatch(/token/i);
    // The control server answers only to its supervisor.
    const direct = await fetch(`http://${detail.worker_server}/status`);
    expect(direct.status).toBe(401);
    const forged = await fetch(`http://${detail.worker_server}/terminate`, { method: 'POST', headers: { 'x-worker-token': 'guess' } });
    expect(forged.status).toBe(401);
    expect((await service.task(task.task_id)).status).toBe('running');
    await service.request('DELETE', `/tasks/${task.task_id}`);
  });
});
