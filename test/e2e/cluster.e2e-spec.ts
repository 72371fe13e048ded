import { execFileSync } from 'node:child_process';
import { processAlive, Service, sleep, waitUntil } from './service';
import { RedisServer } from './redis-server';

/** Shared mode: 1 API node and 2 worker nodes on a Redis of the test's own, which the test also restarts. */
describe('shared mode: several nodes on one Redis', () => {
  let redis: RedisServer;
  let env: Record<string, string>;
  let api: Service;
  let workers: Service[];

  beforeAll(async () => {
    redis = await RedisServer.start();
    env = { QUEUE: 'bullmq', REDIS_URL: redis.url, MAX_CONCURRENCY: '2' };
    [api, ...workers] = await Promise.all([
      Service.start({ ...env, ROLE: 'api' }),
      Service.startWorkerNode(env),
      Service.startWorkerNode(env),
    ]);
  });
  afterAll(async () => {
    await Promise.all([api, ...workers].map((node) => node.stop('SIGKILL')));
    for (const node of [api, ...workers]) node.cleanup();
    await redis.destroy();
  });

  const nodeIds = () => workers.map((w) => w.node);
  const running = (taskId: string) => api.waitForTask(taskId, (t) => t.status === 'running', 20000);
  const settled = () => api.request('GET', '/tasks?limit=500').then((r) => r.body.tasks.every((t: any) => !/queued|starting|running|paused/.test(t.status)));

  it('spreads 20 tasks, sent one by one and as a batch, over both worker nodes; each record names its node', async () => {
    const tasks = [];
    for (let i = 0; i < 10; i++) tasks.push(await api.submit('process_data', { step_ms: 50 }));
    const batch = await api.request('POST', '/tasks/batch', { tasks: Array.from({ length: 10 }, () => ({ task_type: 'process_data', task_data: { step_ms: 50 } })) });
    expect(batch.status).toBe(201);
    tasks.push(...batch.body.tasks);
    const done = await Promise.all(tasks.map((t) => api.waitForStatus(t.task_id, 'completed', 60000)));
    expect(done.every((t) => t.result.success && nodeIds().includes(t.node))).toBe(true);
    expect(new Set(done.map((t) => t.node)).size).toBe(2);
    const { body } = await api.request('GET', '/nodes');
    expect(body.nodes.map((n: any) => n.node).sort()).toEqual(expect.arrayContaining(nodeIds()));
  });

  it('pauses, resumes and terminates, gracefully and at once, tasks on either node through the API node', async () => {
    const tasks = [];
    for (let i = 0; i < 4; i++) tasks.push(await api.submit('process_data', { step_ms: 400 }));
    const started = await Promise.all(tasks.map((t) => running(t.task_id)));
    for (const node of nodeIds()) {
      const [first, second] = started.filter((t) => t.node === node);
      expect(second).toBeDefined(); // each node runs two: its MAX_CONCURRENCY

      const paused = await api.request('POST', `/tasks/${first.task_id}/control`, { action: 'pause' });
      expect(paused.status).toBe(200);
      const parked = await api.waitForStatus(first.task_id, 'paused', 5000);
      const detail = (await api.request('GET', `/tasks/${first.task_id}?detail=true`)).body;
      expect(detail.worker_status).toMatchObject({ paused: true, pid: parked.worker });
      await sleep(800);
      expect((await api.task(first.task_id)).progress).toBe(detail.progress);
      expect((await api.request('POST', `/tasks/${first.task_id}/control`, { action: 'resume' })).body.status).toBe('running');
      await api.waitForTask(first.task_id, (t) => t.progress > detail.progress, 5000);

      const graceful = await api.request('DELETE', `/tasks/${first.task_id}?use_http=true`);
      const forced = await api.request('DELETE', `/tasks/${second.task_id}`);
      expect([graceful.body.status, forced.body.status]).toEqual(['terminated', 'terminated']);
      expect(graceful.body.error.message).toMatch(/graceful/);
      await waitUntil(() => !processAlive(first.worker) && !processAlive(second.worker), 8000);
    }
  });

  it('cancels a queued task without running it, and answers 409 for a finished one', async () => {
    const blockers = [];
    for (let i = 0; i < 4; i++) blockers.push(await api.submit('fixture_hang'));
    await Promise.all(blockers.map((t) => running(t.task_id)));
    const queued = await api.submit('process_data', { step_ms: 10 });
    const cancelled = await api.request('DELETE', `/tasks/${queued.task_id}`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', started_at: null });
    expect((await api.request('DELETE', `/tasks/${queued.task_id}`)).status).toBe(409);
    for (const t of blockers) await api.request('DELETE', `/tasks/${t.task_id}`);
    await sleep(1500);
    expect(await api.task(queued.task_id)).toMatchObject({ status: 'cancelled', worker: null, attempts: 0 });
  });

  it('gives a freed slot to the most urgent task cluster-wide, and holds MAX_QUEUED across API nodes', async () => {
    const blockers = [];
    for (let i = 0; i < 4; i++) blockers.push(await api.submit('fixture_hang'));
    await Promise.all(blockers.map((t) => running(t.task_id)));
    const older = await api.submit('fixture_hang');
    const newer = await api.submit('fixture_hang');
    const urgent = await api.submit('fixture_hang', {}, { priority: 10 });

    // A second API node with a limit of 3 sees the 3 tasks the first one queued.
    const strict = await Service.start({ ...env, ROLE: 'api', MAX_QUEUED: '3' });
    const refused = await strict.request('POST', '/tasks', { task_type: 'process_data' });
    expect(refused.status).toBe(429);
    expect((await strict.request('POST', '/tasks/batch', { tasks: [{ task_type: 'process_data' }] })).status).toBe(429);
    await strict.stop();
    strict.cleanup();

    await api.request('DELETE', `/tasks/${blockers[0].task_id}`);
    await api.waitForTask(urgent.task_id, (t) => t.status !== 'queued');
    expect([(await api.task(older.task_id)).status, (await api.task(newer.task_id)).status]).toEqual(['queued', 'queued']);
    await api.request('DELETE', `/tasks/${blockers[1].task_id}`);
    await api.waitForTask(older.task_id, (t) => t.status !== 'queued');
    expect((await api.task(newer.task_id)).status).toBe('queued');
    for (const t of [...blockers.slice(2), urgent, older, newer]) await api.request('DELETE', `/tasks/${t.task_id}`);
  });

  it('after kill -9 of a worker node, interrupts its tasks or runs the retry-safe ones elsewhere', async () => {
    // A retry-safe task lands on some node X; tasks that follow fill the other node first, then X.
    const retrySafe = await api.submit('fixture_retry_safe', { delay_ms: 3000 });
    const victimNode = (await running(retrySafe.task_id)).node;
    let plain: any;
    for (let i = 0; i < 3 && !plain; i++) {
      const task = await running((await api.submit('process_data', { step_ms: 400 })).task_id);
      if (task.node === victimNode) plain = task;
    }
    const victim = workers.find((w) => w.node === victimNode)!;
    const children = [(await api.task(retrySafe.task_id)).worker, plain.worker];
    await victim.stop('SIGKILL');

    await waitUntil(() => children.every((pid) => !processAlive(pid)), 5000);
    const interrupted = await api.waitForStatus(plain.task_id, 'interrupted', 30000);
    expect(interrupted.error.code).toBe('NODE_LOST');
    const rerun = await api.waitForStatus(retrySafe.task_id, 'completed', 40000);
    expect(rerun).toMatchObject({ attempts: 2, result: { done: true } });
    expect(rerun.node).not.toBe(victimNode);

    workers = [...workers.filter((w) => w !== victim), await Service.startWorkerNode(env)];
    victim.cleanup();
  });

  it('keeps every task through a kill -9 of the API node', async () => {
    const before = (await api.request('GET', '/tasks?limit=500')).body.tasks;
    await api.stop('SIGKILL');
    api.cleanup();
    api = await Service.start({ ...env, ROLE: 'api' });
    const after = (await api.request('GET', '/tasks?limit=500')).body.tasks;
    expect(after.map((t: any) => t.task_id)).toEqual(before.map((t: any) => t.task_id));
  });

  it('answers 503 at once while Redis is down, and carries on with every task after it returns', async () => {
    const longRunning = await api.submit('process_data', { step_ms: 300 });
    await running(longRunning.task_id);
    const queuedBefore = [];
    for (let i = 0; i < 5; i++) queuedBefore.push(await api.submit('process_data', { step_ms: 20 }));

    await redis.stop();
    const quick = { signal: AbortSignal.timeout(3000) };
    const post = await fetch(`${api.baseUrl}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"task_type":"process_data"}', ...quick });
    expect(post.status).toBe(503);
    expect(((await post.json()) as { code: string }).code).toBe('STORE_UNAVAILABLE');
    expect((await fetch(`${api.baseUrl}/tasks`, quick)).status).toBe(503);
    expect((await fetch(`${api.baseUrl}/tasks/${longRunning.task_id}`, quick)).status).toBe(503);
    expect((await fetch(`${api.baseUrl}/health`, quick)).status).toBe(503);
    await sleep(1500);
    for (const node of [api, ...workers]) expect(processAlive(node.pid)).toBe(true);

    await redis.resume();
    const deadline = Date.now() + 15000;
    while ((await api.request('GET', '/health')).status !== 200 && Date.now() < deadline) await sleep(100);
    const after = await api.submit('process_data', { step_ms: 20 });
    for (const task of [longRunning, ...queuedBefore, after]) await api.waitForStatus(task.task_id, 'completed', 40000);
    expect(await settled()).toBe(true);
  });

  it('on SIGTERM a worker node interrupts its tasks, leaves the node list and exits', async () => {
    const task = await api.submit('fixture_hang');
    const started = await running(task.task_id);
    const node = workers.find((w) => w.node === started.node)!;
    await node.stop('SIGTERM');
    expect(await api.task(task.task_id)).toMatchObject({ status: 'interrupted', error: { code: 'INTERRUPTED' } });
    expect(processAlive(started.worker)).toBe(false);
    const listed = (await api.request('GET', '/nodes')).body.nodes.map((n: any) => n.node);
    expect(listed).not.toContain(started.node);
    workers = workers.filter((w) => w !== node);
    node.cleanup();
  });

  it('warns at start-up when Redis may evict keys', async () => {
    const redisCli = (...args: string[]) => execFileSync('redis-cli', ['-u', redis.url, ...args]);
    redisCli('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    const node = await Service.start({ ...env, ROLE: 'api' });
    await node.waitForLog(/maxmemory-policy is "allkeys-lru"/);
    await node.stop();
    node.cleanup();
    redisCli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });
});
