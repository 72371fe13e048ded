import { readFileSync } from 'node:fs';
import { processAlive, processGone, Service, sleep, waitUntil } from './service';

/** The warm pool, on real worker processes. */

async function workers(service: Service): Promise<any[]> {
  return (await service.request('GET', '/workers')).body.workers;
}

async function waitForWorkers(service: Service, until: (ws: any[]) => boolean, timeoutMs = 10000): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ws = await workers(service);
    if (until(ws)) return ws;
    if (Date.now() > deadline) throw new Error(`workers never matched; last: ${JSON.stringify(ws)}`);
    await sleep(25);
  }
}

const idle = (ws: any[]) => ws.filter((w) => w.state === 'idle');

/** Field 19 of /proc/<pid>/stat, after the command name (which may hold spaces). */
function niceOf(pid: number, tid = pid): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
}

/** A process's environment as it started. */
function environment(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

async function run(service: Service, type: string, data: Record<string, unknown> = {}): Promise<any> {
  const task = await service.submit(type, data);
  return service.waitForTask(task.task_id, (t) => ['completed', 'failed', 'terminated', 'timed_out'].includes(t.status));
}

describe('warm pool', () => {
  let service: Service;

  beforeAll(async () => {
    service = await Service.start({ MAX_CONCURRENCY: '2', WORKER_POOL_MIN: '2', WORKER_NICE: '7', PROGRESS_WRITE_MS: '50', POOL_E2E_SECRET: 'kept from handlers', WORKER_ENV_EXCLUDE: 'POOL_E2E_SECRET' });
  });
  afterAll(async () => {
    await service.stop();
    service.cleanup();
  });

  it("boots WORKER_POOL_MIN idle children holding no slot: the handlers' main thread at WORKER_NICE, every other thread at the service's", async () => {
    const ws = await waitForWorkers(service, (w) => idle(w).length === 2);
    expect(ws).toHaveLength(2);
    for (const w of ws) {
      expect(w).toMatchObject({ task_id: null, task_type: null, state: 'idle', rss_bytes: expect.any(Number) });
      // The main thread lowers its own priority once its control thread (and V8's helpers) are started, before it reports ready.
      expect(niceOf(w.pid)).toBe(7);
      const others = require('node:fs').readdirSync(`/proc/${w.pid}/task`).map(Number).filter((tid: number) => tid !== w.pid);
      expect(others.length).toBeGreaterThan(0);
      for (const tid of others) expect(niceOf(w.pid, tid)).toBe(niceOf(service.pid));
    }
    expect((await service.request('GET', '/health')).body.workers).toBe(0);
  });

  it('gives its children one malloc arena (MALLOC_ARENA_MAX=1), and the service none', async () => {
    const ws = await waitForWorkers(service, (w) => idle(w).length === 2);
    for (const w of ws) expect(environment(w.pid)).toContain(`MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '1'}`);
    expect(environment(service.pid).some((v) => v.startsWith('MALLOC_ARENA_MAX='))).toBe(process.env.MALLOC_ARENA_MAX !== undefined);
  });

  it("keeps the names in WORKER_ENV_EXCLUDE out of its children's environment", async () => {
    expect(environment(service.pid)).toContain('POOL_E2E_SECRET=kept from handlers');
    const ws = await waitForWorkers(service, (w) => idle(w).length === 2);
    for (const w of ws) expect(environment(w.pid).some((v) => v.startsWith('POOL_E2E_SECRET='))).toBe(false);
  });

  it('runs a task in a child booted ahead', async () => {
    const pids = idle(await waitForWorkers(service, (w) => idle(w).length === 2)).map((w) => w.pid);
    const done = await run(service, 'fixture_module_counter');
    expect(done.status).toBe('completed');
    expect(pids).toContain(done.worker);
    expect(processAlive(done.worker)).toBe(true);
  });

  it('gives each task in the same child a fresh handler: module state does not carry over', async () => {
    // With every child idle the pool hands out the same (first) one each time.
    await waitForWorkers(service, (w) => idle(w).length === 2);
    const first = await run(service, 'fixture_module_counter');
    await waitForWorkers(service, (w) => idle(w).length === 2);
    const second = await run(service, 'fixture_module_counter');
    expect(second.worker).toBe(first.worker);
    expect(first.result).toMatchObject({ runs: 1, global_runs: 1, pid: first.worker });
    expect(second.result).toMatchObject({ runs: 1, global_runs: 1, pid: first.worker });
  });

  it('serves task after task in one process, undoing what each left behind or replacing the process', async () => {
    const inOneChild = async (leave: string) => {
      await waitForWorkers(service, (w) => idle(w).length === 2);
      const { result } = await run(service, 'fixture_leaves_behind', { leave });
      // Time for any timer a task left behind to fire, were it still there.
      await sleep(30);
      return result;
    };
    const nothing = { global: null, process_global: null, buffer_global: null, module_loader: null, env: null, builtin: null, typed_array: null, ticks: null, listeners: expect.any(Number), gc: 'undefined' };
    const first = await inOneChild('global');
    // Handlers run in the process's main thread, at WORKER_NICE.
    expect({ thread: first.thread, tid: first.tid }).toEqual({ thread: 0, tid: first.pid });
    expect(niceOf(first.pid)).toBe(7);
    // Globals (those Node keeps behind its own accessors too), the module loader, environment variables, timers (unref'd ones too) and patched built-ins are put back: the same process serves on.
    for (const leave of ['process_global', 'buffer_global', 'module_loader', 'env', 'env_object', 'timer', 'unref_timer', 'builtin', 'typed_array', 'listener']) {
      expect({ leave, ...(await inOneChild(leave)) }).toEqual({ leave, found: nothing, pid: first.pid, thread: 0, tid: first.pid, heap_used: expect.any(Number) });
    }
    // A listener on process (the last task left one) and an open server cannot be undone: each time another process takes the next task.
    let previous = first;
    for (const leave of ['server', 'nothing']) {
      const next = await inOneChild(leave);
      expect(next.found).toEqual({ ...nothing, listeners: first.found.listeners });
      expect(next.pid).not.toBe(previous.pid);
      await waitUntil(() => processGone(previous.pid), 2000);
      previous = next;
    }
    // The last of them left nothing: its process serves on.
    expect((await inOneChild('nothing')).pid).toBe(previous.pid);
    const logs = service.log;
    expect(logs).toContain(`worker ${first.pid} is replaced: the task left process listeners behind`);
    expect(logs).toMatch(/worker \d+ is replaced: the task left .*TCPServerWrap.* open/);
    expect(logs).not.toMatch(/is replaced: the task changed/);
  });

  it('collects the garbage tasks left once a child has been idle for 5 s', async () => {
    await waitForWorkers(service, (w) => idle(w).length === 2);
    const left = (await run(service, 'fixture_leaves_behind', { leave: 'garbage' })).result;
    await sleep(5500);
    await waitForWorkers(service, (w) => idle(w).length === 2);
    const later = (await run(service, 'fixture_leaves_behind')).result;
    expect(later.pid).toBe(left.pid);
    // The 400k objects (about 40 MB of heap) are gone; V8 alone may keep them well past the quiet spell.
    expect(later.heap_used).toBeLessThan(left.heap_used + 5 * 1024 * 1024);
    expect(later.found.gc).toBe('undefined');
  });

  it('never has more than MAX_CONCURRENCY busy children nor more children than it needs', async () => {
    const tasks = [];
    for (let i = 0; i < 6; i++) tasks.push(await service.submit('fixture_module_counter', { delay_ms: 80 }));
    let mostBusy = 0;
    let mostChildren = 0;
    for (;;) {
      const ws = await workers(service);
      mostBusy = Math.max(mostBusy, ws.filter((w) => w.task_id !== null).length);
      mostChildren = Math.max(mostChildren, ws.length);
      const all = await Promise.all(tasks.map((t) => service.task(t.task_id)));
      if (all.every((t) => t.status === 'completed')) break;
      await sleep(15);
    }
    expect(mostBusy).toBe(2);
    expect(mostChildren).toBe(2);
  });

  it('batches a progress flood: the API stays responsive and the last value is stored', async () => {
    const task = await service.submit('fixture_progress_flood', { delay_ms: 1500 });
    await service.waitForStatus(task.task_id, 'running');
    let slowest = 0;
    const until = Date.now() + 1200;
    while (Date.now() < until) {
      const started = Date.now();
      expect((await service.request('GET', '/health')).status).toBe(200);
      slowest = Math.max(slowest, Date.now() - started);
    }
    expect(slowest).toBeLessThan(1000);
    const held = await service.waitForTask(task.task_id, (t) => t.progress_info?.last === true, 3000);
    expect(held).toMatchObject({ status: 'running', progress: 77 });
    const done = await service.waitForStatus(task.task_id, 'completed');
    expect(done.result.calls).toBeGreaterThan(1000);
  });
});

describe('pool limits', () => {
  it('replaces a child that served WORKER_REFRESH_AFTER_TASKS tasks once it has been quiet for 5 s', async () => {
    const service = await Service.start({ MAX_CONCURRENCY: '1', WORKER_POOL_MIN: '1', WORKER_REFRESH_AFTER_TASKS: '2' });
    try {
      const first = await run(service, 'fixture_module_counter');
      const second = await run(service, 'fixture_module_counter');
      expect(second.worker).toBe(first.worker);
      await waitUntil(() => processGone(first.worker), 8000);
      const [fresh] = await waitForWorkers(service, (ws) => ws.length === 1 && ws[0].state === 'idle');
      expect(fresh.pid).not.toBe(first.worker);
      expect((await run(service, 'fixture_module_counter')).worker).toBe(fresh.pid);
    } finally {
      await service.stop();
      service.cleanup();
    }
  });

  it('MAX_TASKS_PER_WORKER=1 gives every task a new process', async () => {
    const service = await Service.start({ MAX_CONCURRENCY: '1', WORKER_POOL_MIN: '1', MAX_TASKS_PER_WORKER: '1' });
    try {
      const pids: number[] = [];
      for (let i = 0; i < 3; i++) pids.push((await run(service, 'fixture_module_counter')).worker);
      expect(new Set(pids).size).toBe(3);
      await waitUntil(() => processGone(pids[0]) && processGone(pids[1]), 3000);
    } finally {
      await service.stop();
      service.cleanup();
    }
  });

  it('recycles a child past WORKER_MAX_RSS_MB, shrinks to the minimum when idle, and leaves none behind after kill -9', async () => {
    const service = await Service.start({
      MAX_CONCURRENCY: '2',
      WORKER_POOL_MIN: '1',
      WORKER_MAX_RSS_MB: '160',
      WORKER_IDLE_TIMEOUT_MS: '500',
    });
    try {
      const allIdle = () => waitForWorkers(service, (ws) => ws.length > 0 && ws.every((w) => w.state === 'idle'));
      const small = await run(service, 'fixture_allocate', { mb: 1 });
      expect(small.status).toBe('completed');
      await allIdle();
      const big = await run(service, 'fixture_allocate', { mb: 240 });
      expect(big.status).toBe('completed');
      expect(big.worker).toBe(small.worker);
      await waitUntil(() => processGone(big.worker), 3000);
      await allIdle();
      const after = await run(service, 'fixture_allocate', { mb: 1 });
      expect(after.worker).not.toBe(big.worker);
      await sleep(300);
      expect(processAlive(after.worker)).toBe(true);

      // Two at once need a second child; once idle past the timeout, only the minimum stays.
      const pair = [await service.submit('fixture_module_counter', { delay_ms: 400 }), await service.submit('fixture_module_counter', { delay_ms: 400 })];
      const done = await Promise.all(pair.map((t) => service.waitForStatus(t.task_id, 'completed')));
      expect(new Set(done.map((t) => t.worker)).size).toBe(2);
      const left = await waitForWorkers(service, (ws) => ws.length === 1 && ws[0].state === 'idle', 5000);
      await sleep(800);
      expect((await workers(service)).map((w) => w.pid)).toEqual(left.map((w) => w.pid));

      const pids = (await workers(service)).map((w) => w.pid);
      await service.stop('SIGKILL');
      await waitUntil(() => !pids.some(processAlive), 2500);
    } finally {
      await service.stop();
      service.cleanup();
    }
  });
});

describe('WORKER_NICE that cannot be applied', () => {
  // Without CAP_SYS_NICE nothing may raise its priority; root gets that by dropping it from its bounding set.
  const unprivileged = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-sys_nice'] : [];
  let service: Service;

  beforeAll(async () => {
    service = await Service.start({ MAX_CONCURRENCY: '1', WORKER_POOL_MIN: '1', WORKER_NICE: '-5' }, undefined, unprivileged);
  });
  afterAll(async () => {
    await service.stop();
    service.cleanup();
  });

  it("runs tasks at the service's priority, and each worker says so once", async () => {
    const first = await run(service, 'fixture_leaves_behind');
    const second = await run(service, 'fixture_leaves_behind');
    expect([first.status, second.status]).toEqual(['completed', 'completed']);
    expect(second.result.pid).toBe(first.result.pid);
    expect(niceOf(first.result.pid, first.result.tid)).toBe(niceOf(service.pid));
    await service.waitForLog(/WORKER_NICE=-5 could not be applied \(.*\); handlers run at the service's priority/);
    expect(service.log.match(/WORKER_NICE=-5 could not be applied/g)).toHaveLength(1);
  });
});
