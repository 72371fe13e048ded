import { loadAppConfig } from '../config/app-config';
import { FakeChild } from './worker-process.fake';
import type { WorkerLauncher } from './worker-launcher';
import { REFRESH_WORN_CHILD_AFTER_IDLE_MS, WorkerPool } from './worker-pool';
import { WorkerProcess, type WorkerProcessEvents } from './worker-process';

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
const task = () => ({ message: jest.fn(), exit: jest.fn() });

describe('WorkerPool', () => {
  let children: FakeChild[];
  /** Every child's limit is MAX_TASKS_PER_WORKER itself, unless a test draws the jitter. */
  const pool = (env: Record<string, string>, random: () => number = () => 0) => {
    children = [];
    const launcher = {
      launch: (events: WorkerProcessEvents) => {
        const child = new FakeChild(90000 + children.length);
        children.push(child);
        return new WorkerProcess(child as never, events);
      },
    } as WorkerLauncher;
    return new WorkerPool(loadAppConfig({ WORKER_BOOT_TIMEOUT_MS: '5000', ...env }), launcher, random);
  };
  const boot = (child: FakeChild, port: number) => {
    child.say({ type: 'online' });
    child.say({ type: 'ready', port });
  };

  it('boots the minimum ahead, hands out an idle child, and takes it back', async () => {
    const p = pool({ WORKER_POOL_MIN: '2' });
    p.fill();
    expect(children).toHaveLength(2);
    children.forEach((c, i) => boot(c, 41000 + i));
    expect(children[0].sent).toEqual([{ type: 'boot', token: expect.any(String), nice: expect.any(Number) }]);
    expect(p.list().map((w) => w.state)).toEqual(['idle', 'idle']);
    const busy = p.acquire(task());
    expect(busy.state).toBe('busy');
    expect(p.list()).toHaveLength(1);
    p.release(busy, true);
    expect(p.list()).toHaveLength(2);
    expect(children.every((c) => c.killedWith === null)).toBe(true);
    await p.shutdown();
  });

  it('logs, as a warning, what a child without a task reports (say, a WORKER_NICE it could not take)', async () => {
    const p = pool({ WORKER_POOL_MIN: '1' });
    const warn = jest.spyOn((p as any).logger, 'warn').mockImplementation(() => undefined);
    p.fill();
    boot(children[0], 41000);
    children[0].say({ type: 'log', message: 'WORKER_NICE=-5 could not be applied (EACCES)' });
    expect(warn).toHaveBeenCalledWith(`worker ${children[0].pid}: WORKER_NICE=-5 could not be applied (EACCES)`);
    await p.shutdown();
  });

  it('never reuses a child that failed to boot, and refills after a pause', async () => {
    const p = pool({ WORKER_POOL_MIN: '1' });
    p.fill();
    children[0].say({ type: 'online' });
    children[0].say({ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: 'no Nest' } });
    await tick();
    expect(children[0].killedWith).toBe('SIGKILL');
    expect(children).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(children).toHaveLength(2);
    const next = p.acquire(task());
    expect(next.pid).toBe(children[1].pid);
    p.release(next, false);
    await p.shutdown();
  });

  it('lets idle children beyond the minimum go after the idle timeout', async () => {
    const p = pool({ WORKER_POOL_MIN: '1', WORKER_IDLE_TIMEOUT_MS: '100' });
    p.fill();
    boot(children[0], 41000);
    const a = p.acquire(task());
    const b = p.acquire(task());
    boot(children[1], 41001);
    p.release(a, true);
    p.release(b, true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(children.filter((c) => c.killedWith)).toHaveLength(1);
    expect(p.list()).toHaveLength(1);
    await p.shutdown();
  });

  it('replaces a child after MAX_TASKS_PER_WORKER tasks and a dirty one at once', async () => {
    const p = pool({ WORKER_POOL_MIN: '0', MAX_TASKS_PER_WORKER: '2' });
    const first = p.acquire(task());
    boot(children[0], 41000);
    p.release(first, true);
    expect(p.acquire(task())).toBe(first);
    p.release(first, true);
    expect(children[0].killedWith).toBe('SIGKILL');
    const other = p.acquire(task());
    boot(children[1], 41001);
    p.release(other, false);
    expect(children[1].killedWith).toBe('SIGKILL');
    await p.shutdown();
  });

  it('boots a successor ahead of a child nearing MAX_TASKS_PER_WORKER, so no task waits for a boot when it retires', async () => {
    const p = pool({ WORKER_POOL_MIN: '1', MAX_TASKS_PER_WORKER: '20' });
    p.fill();
    boot(children[0], 41000);
    const worn = children[0];
    for (let i = 0; i < 18; i++) p.release(p.acquire(task()), true);
    expect(children).toHaveLength(1);
    const nineteenth = p.acquire(task()); // 5% of 20 (one task) before the limit
    expect(children).toHaveLength(2);
    boot(children[1], 41001);
    p.release(nineteenth, true);
    const last = p.acquire(task());
    expect(last.pid).toBe(worn.pid);
    expect(children).toHaveLength(2); // one successor, however the child is used after
    p.release(last, true);
    expect(worn.killedWith).toBe('SIGKILL');
    await tick(); // its exit
    const next = p.acquire(task());
    expect(next.pid).toBe(children[1].pid);
    expect(next.state).toBe('busy'); // ready: the task starts at once
    expect(children).toHaveLength(2); // the successor made up the minimum
    p.release(next, true);
    await p.shutdown();
  });

  it('gives children forked together limits up to a tenth apart, so they are not replaced, nor their successors booted, at once', async () => {
    const draws = [0, 0.999];
    const p = pool({ WORKER_POOL_MIN: '2', MAX_TASKS_PER_WORKER: '100' }, () => draws.shift()!);
    p.fill();
    boot(children[0], 41000);
    boot(children[1], 41001);
    const [full, short] = children;
    // Served in turn, as a steady stream of tasks serves them.
    const serveBoth = () => {
      const a = p.acquire(task());
      const b = p.acquire(task());
      p.release(a, true);
      p.release(b, true);
    };
    for (let i = 0; i < 86; i++) serveBoth();
    expect(children).toHaveLength(2);
    serveBoth(); // the 87th: 5% of its limit of 91 (four tasks) before it
    expect(children).toHaveLength(3);
    for (let i = 0; i < 3; i++) serveBoth();
    expect(short.killedWith).toBeNull();
    serveBoth();
    expect(short.killedWith).toBe('SIGKILL'); // after its 91st
    expect(full.killedWith).toBeNull();
    expect(children).toHaveLength(3); // the other one's successor is still to come
    await p.shutdown();
  });

  it('with MAX_TASKS_PER_WORKER=1, boots the next task\'s process as each task takes its own', async () => {
    const p = pool({ WORKER_POOL_MIN: '1', MAX_TASKS_PER_WORKER: '1' });
    p.fill();
    boot(children[0], 41000);
    const first = p.acquire(task());
    expect(children).toHaveLength(2);
    boot(children[1], 41001);
    p.release(first, true);
    expect(children[0].killedWith).toBe('SIGKILL');
    const second = p.acquire(task());
    expect(second.pid).toBe(children[1].pid);
    expect(second.state).toBe('busy');
    expect(children).toHaveLength(3);
    p.release(second, true);
    await p.shutdown();
  });

  it('boots no successor in the pause after a failed boot', async () => {
    const p = pool({ WORKER_POOL_MIN: '1', MAX_TASKS_PER_WORKER: '1' });
    p.fill();
    children[0].say({ type: 'online' });
    children[0].say({ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: 'no Nest' } });
    const child = p.acquire(task()); // the task's own process, forked on demand
    expect(child.pid).toBe(children[1].pid);
    expect(children).toHaveLength(2);
    p.release(child, false);
    await p.shutdown();
  });

  it('replaces a child whose reported peak RSS passed WORKER_MAX_RSS_MB', async () => {
    const p = pool({ WORKER_POOL_MIN: '0', WORKER_MAX_RSS_MB: '100' });
    const lean = p.acquire(task());
    boot(children[0], 41000);
    children[0].say({ type: 'completed', result: null, peak_rss_bytes: 99 * 1024 * 1024, spent: null });
    p.release(lean, true);
    expect(children[0].killedWith).toBeNull();
    expect(p.acquire(task())).toBe(lean);
    children[0].say({ type: 'completed', result: null, peak_rss_bytes: 101 * 1024 * 1024, spent: null });
    p.release(lean, true);
    expect(children[0].killedWith).toBe('SIGKILL');
    await p.shutdown();
  });

  it('replaces a child whose last task left it spent, and says why', async () => {
    const p = pool({ WORKER_POOL_MIN: '0' });
    const log = jest.spyOn((p as any).logger, 'log').mockImplementation(() => undefined);
    const child = p.acquire(task());
    boot(children[0], 41000);
    children[0].say({ type: 'completed', result: null, peak_rss_bytes: 1, spent: 'the task left TCPSocketWrap open' });
    p.release(child, true);
    expect(children[0].killedWith).toBe('SIGKILL');
    expect(log).toHaveBeenCalledWith(`worker ${children[0].pid} is replaced: the task left TCPSocketWrap open`);
    await p.shutdown();
  });

  it('replaces a child that served WORKER_REFRESH_AFTER_TASKS tasks once it has been quiet a while, and only then', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const p = pool({ WORKER_POOL_MIN: '1', WORKER_REFRESH_AFTER_TASKS: '2' });
      p.fill();
      boot(children[0], 41000);
      const child = p.acquire(task());
      p.release(child, true);
      jest.advanceTimersByTime(REFRESH_WORN_CHILD_AFTER_IDLE_MS + 1);
      expect(children[0].killedWith).toBeNull(); // one task served: not worn
      expect(p.acquire(task())).toBe(child);
      p.release(child, true);
      jest.advanceTimersByTime(REFRESH_WORN_CHILD_AFTER_IDLE_MS - 100);
      expect(p.acquire(task())).toBe(child); // a task within the quiet spell keeps it
      p.release(child, true);
      jest.advanceTimersByTime(REFRESH_WORN_CHILD_AFTER_IDLE_MS + 1);
      expect(children[0].killedWith).toBe('SIGKILL');
      await new Promise((resolve) => setImmediate(resolve)); // its exit
      expect(children).toHaveLength(2); // the minimum, refilled with a fresh child
      await p.shutdown();
    } finally {
      jest.useRealTimers();
    }
  });

  it('never replaces a worn child for quietness with WORKER_REFRESH_AFTER_TASKS=0', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const p = pool({ WORKER_POOL_MIN: '1', WORKER_REFRESH_AFTER_TASKS: '0' });
      p.fill();
      boot(children[0], 41000);
      for (let i = 0; i < 5; i++) p.release(p.acquire(task()), true);
      jest.advanceTimersByTime(60_000);
      expect(children[0].killedWith).toBeNull();
      await p.shutdown();
    } finally {
      jest.useRealTimers();
    }
  });
});
