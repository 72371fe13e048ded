import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive, processGone, Service, sleep, waitUntil } from './service';

/** Pause, resume and both terminations, on real workers. */
describe('task control', () => {
  let service: Service;

  beforeAll(async () => {
    service = await Service.start({ MAX_CONCURRENCY: '2', TERMINATE_GRACE_MS: '3000', PROGRESS_WRITE_MS: '20' });
  });
  afterAll(async () => {
    await service.stop();
    service.cleanup();
  });

  const control = (taskId: string, action: string) => service.request('POST', `/tasks/${taskId}/control`, { action });

  it('pause freezes progress for seconds and resume continues it', async () => {
    const task = await service.submit('process_data', { step_ms: 150 });
    const before = await service.waitForTask(task.task_id, (t) => t.progress >= 20);
    const paused = await control(task.task_id, 'pause');
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    const frozenAt = (await service.task(task.task_id)).progress;
    expect(frozenAt).toBeGreaterThanOrEqual(before.progress);
    const live = await service.request('GET', `/tasks/${task.task_id}?detail=true`);
    expect(live.body).toMatchObject({ status: 'paused', worker_status: { paused: true, state: 'paused', pid: before.worker } });
    await sleep(2000);
    const still = await service.request('GET', `/tasks/${task.task_id}?detail=true`);
    expect(still.body.status).toBe('paused');
    expect(still.body.progress).toBe(frozenAt);
    expect(still.body.worker_status.progress).toBe(frozenAt);
    expect((await control(task.task_id, 'pause')).body.status).toBe('paused');
    const resumed = await control(task.task_id, 'resume');
    expect(resumed.body.status).toBe('running');
    await service.waitForTask(task.task_id, (t) => t.progress > frozenAt);
    const done = await service.waitForStatus(task.task_id, 'completed');
    expect(done.result).toEqual({ processed_items: 0, success: true });
  });

  it('pauses and resumes a CPU-bound handler that never yields', async () => {
    const task = await service.submit('cpu_intensive', { complexity: 5_000_000, batches: 1000 });
    await service.waitForTask(task.task_id, (t) => t.progress > 0);
    expect((await control(task.task_id, 'pause')).body.status).toBe('paused');
    const first = await service.request('GET', `/tasks/${task.task_id}?detail=true`);
    await sleep(1000);
    const second = await service.request('GET', `/tasks/${task.task_id}?detail=true`);
    // Parked means parked: the process burns no CPU while paused.
    const cpu = (v: any) => v.worker_status.cpu_time_ms.user + v.worker_status.cpu_time_ms.system;
    expect(cpu(second.body) - cpu(first.body)).toBeLessThan(100);
    expect(second.body.progress).toBe(first.body.progress);
    expect((await control(task.task_id, 'resume')).body.status).toBe('running');
    await service.waitForTask(task.task_id, (t) => t.progress > second.body.progress);
    await service.request('DELETE', `/tasks/${task.task_id}`);
  });

  it('a resume cancels a pause the handler has not reached yet', async () => {
    const task = await service.submit('fixture_slow_checkpoints', { delay_ms: 1500 });
    await service.waitForStatus(task.task_id, 'running');
    expect((await control(task.task_id, 'pause')).body.status).toBe('running');
    expect((await control(task.task_id, 'resume')).body.status).toBe('running');
    await sleep(2000);
    const later = await service.request('GET', `/tasks/${task.task_id}?detail=true`);
    expect(later.body).toMatchObject({ status: 'running', worker_status: { state: 'running', paused: false } });
    expect(later.body.progress).toBeGreaterThanOrEqual(1);
    await service.request('DELETE', `/tasks/${task.task_id}`);
  });

  it('answers 502 when the worker does not answer, and changes nothing', async () => {
    const task = await service.submit('process_data', { step_ms: 200 });
    const { worker } = await service.waitForStatus(task.task_id, 'running');
    process.kill(worker, 'SIGSTOP');
    try {
      const reply = await control(task.task_id, 'pause');
      expect(reply).toMatchObject({ status: 502, body: { code: 'WORKER_UNREACHABLE' } });
      expect((await service.task(task.task_id)).status).toBe('running');
    } finally {
      process.kill(worker, 'SIGCONT');
    }
    await service.request('DELETE', `/tasks/${task.task_id}`);
  });

  it('terminates a CPU-bound handler at once with SIGKILL', async () => {
    const task = await service.submit('cpu_intensive', { complexity: 50_000_000, batches: 1000 });
    const running = await service.waitForStatus(task.task_id, 'running');
    const reply = await service.request('DELETE', `/tasks/${task.task_id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'terminated', error: { code: 'TERMINATED' } });
    await waitUntil(() => processGone(running.worker), 2000);
    const after = await service.task(task.task_id);
    expect(after).toMatchObject({ status: 'terminated', result: null });
  });

  it('terminates a CPU-bound handler gracefully through its control server', async () => {
    const task = await service.submit('cpu_intensive', { complexity: 50_000_000, batches: 1000 });
    const running = await service.waitForStatus(task.task_id, 'running');
    const started = Date.now();
    const reply = await service.request('DELETE', `/tasks/${task.task_id}?use_http=true`);
    expect(reply.body.status).toBe('terminated');
    // It honoured its AbortSignal at the next checkpoint, well before the grace period ended.
    await waitUntil(() => !processAlive(running.worker), 2500);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('lets a gracefully terminated handler clean up', async () => {
    const marker = join(service.dataDir, 'cleanup-marker');
    const task = await service.submit('fixture_graceful', { marker });
    await service.waitForStatus(task.task_id, 'running');
    await service.request('DELETE', `/tasks/${task.task_id}?use_http=true`);
    await waitUntil(() => existsSync(marker), 2000);
    expect(readFileSync(marker, 'utf8')).toBe('cleaned up');
  });

  it('terminates a paused task gracefully: the parked handler wakes to its AbortSignal', async () => {
    const task = await service.submit('process_data', { step_ms: 100 });
    await service.waitForTask(task.task_id, (t) => t.progress >= 10);
    expect((await control(task.task_id, 'pause')).body.status).toBe('paused');
    const { worker } = await service.task(task.task_id);
    const reply = await service.request('DELETE', `/tasks/${task.task_id}?use_http=true`);
    expect(reply.body.status).toBe('terminated');
    await waitUntil(() => !processAlive(worker), 2500);
  });

  it('answers for a worker whose handler spins without ever reaching a checkpoint', async () => {
    const task = await service.submit('fixture_hang');
    await service.waitForStatus(task.task_id, 'running');
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const reply = await service.request('GET', `/tasks/${task.task_id}?detail=true`);
      expect(reply.body.worker_status).toMatchObject({ state: 'running', paused: false });
      expect(Date.now() - started).toBeLessThan(1000);
    }
    // Pause cannot park it, so the answer comes after the wait, still running: nothing pretends.
    const pause = await control(task.task_id, 'pause');
    expect(pause.body.status).toBe('running');
    expect((await service.request('GET', `/tasks/${task.task_id}?detail=true`)).body.worker_status.state).toBe('pausing');
    await service.request('DELETE', `/tasks/${task.task_id}`);
  });

  it('kills a handler that ignores graceful termination once the grace period ends', async () => {
    const task = await service.submit('fixture_hang');
    const running = await service.waitForStatus(task.task_id, 'running');
    const started = Date.now();
    await service.request('DELETE', `/tasks/${task.task_id}?use_http=true`);
    await sleep(2000);
    expect(processAlive(running.worker)).toBe(true);
    await waitUntil(() => !processAlive(running.worker), 4000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect((await service.task(task.task_id)).status).toBe('terminated');
  });

  it('cancels a queued task without ever starting it', async () => {
    const blockers = [await service.submit('fixture_hang'), await service.submit('fixture_hang')];
    const queued = await service.submit('process_data', { step_ms: 10 });
    await sleep(300);
    expect((await service.task(queued.task_id)).status).toBe('queued');
    const reply = await service.request('DELETE', `/tasks/${queued.task_id}`);
    expect(reply.body).toMatchObject({ status: 'cancelled', attempts: 0, started_at: null, worker: null });
    for (const blocker of blockers) await service.request('DELETE', `/tasks/${blocker.task_id}`);
    await sleep(500);
    expect(await service.task(queued.task_id)).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('answers 409 naming the state for control or delete of a finished task, changing nothing', async () => {
    const task = await service.submit('process_data', { step_ms: 0 });
    const done = await service.waitForStatus(task.task_id, 'completed');
    for (const [method, path, body] of [
      ['POST', `/tasks/${task.task_id}/control`, { action: 'pause' }],
      ['POST', `/tasks/${task.task_id}/control`, { action: 'resume' }],
      ['DELETE', `/tasks/${task.task_id}`, undefined],
      ['DELETE', `/tasks/${task.task_id}?use_http=true`, undefined],
    ] as const) {
      const reply = await service.request(method, path, body);
      expect(reply.status).toBe(409);
      expect(reply.body).toMatchObject({ code: 'INVALID_STATE', details: { status: 'completed' } });
      expect(reply.body.message).toContain('completed');
    }
    expect(await service.task(task.task_id)).toEqual(done);
  });

  it('answers 409 when pausing a queued task', async () => {
    const blockers = [await service.submit('fixture_hang'), await service.submit('fixture_hang')];
    const queued = await service.submit('process_data');
    const reply = await control(queued.task_id, 'pause');
    expect(reply).toMatchObject({ status: 409, body: { details: { status: 'queued' } } });
    for (const t of [queued, ...blockers]) await service.request('DELETE', `/tasks/${t.task_id}`);
  });
});
