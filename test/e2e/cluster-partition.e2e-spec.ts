import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { RedisServer } from './redis-server';
import { processAlive, Service, sleep, waitUntil } from './service';

/** A TCP relay to Redis that the test can cut, as a network partition would: open connections drop, new ones are refused. */
class CuttableLink {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(redisPort: number) {
    this.server = createServer((client) => {
      const upstream = connect(redisPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
  }

  private port = 0;

  static async to(redisPort: number): Promise<CuttableLink> {
    const link = new CuttableLink(redisPort);
    await new Promise<void>((resolve) => link.server.listen(0, '127.0.0.1', resolve));
    link.port = (link.server.address() as AddressInfo).port;
    return link;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  /** Lets connections through again, on the same port. */
  async restore(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }
}

/** Shared mode: a worker node that loses Redis while the rest of the cluster keeps it. */
describe('shared mode: a worker node cut off from Redis', () => {
  let redis: RedisServer;
  let link: CuttableLink;
  let env: Record<string, string>;
  let api: Service;
  let cutOff: Service;
  let other: Service | null = null;

  beforeAll(async () => {
    redis = await RedisServer.start();
    link = await CuttableLink.to(redis.port);
    env = { QUEUE: 'bullmq', REDIS_URL: redis.url, MAX_CONCURRENCY: '1' };
    [api, cutOff] = await Promise.all([Service.start({ ...env, ROLE: 'api' }), Service.startWorkerNode({ ...env, REDIS_URL: link.url })]);
  });
  afterAll(async () => {
    link.cut();
    const nodes = [api, cutOff, ...(other ? [other] : [])];
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
    for (const node of nodes) node.cleanup();
    await redis.destroy();
  });

  it('stops its retry-safe task 8 s into the outage, before another node runs the task again', async () => {
    const task = await api.submit('fixture_retry_safe', { delay_ms: 15000 });
    const first = await api.waitForTask(task.task_id, (t) => t.status === 'running', 20000);
    expect(first.node).toBe(cutOff.node);
    other = await Service.startWorkerNode(env);

    link.cut();
    const cutAt = Date.now();
    await cutOff.waitForLog(/no heartbeat reached Redis for 8000 ms: stopping this node's workers/, 15000);
    await waitUntil(() => !processAlive(first.worker), 5000);
    const stoppedAt = Date.now();
    expect(stoppedAt - cutAt).toBeLessThan(14000);

    const rerun = await api.waitForTask(task.task_id, (t) => t.status === 'running' && t.attempts === 2, 40000);
    expect(rerun.node).toBe(other.node);
    expect(Date.parse(rerun.started_at)).toBeGreaterThan(stoppedAt);

    // The cut-off node's writes for the first attempt (interrupted, terminated) reach Redis once it is back, and change nothing.
    await link.restore();
    await cutOff.waitForLog(/\[Redis:\S+\] reconnected/, 20000);
    await sleep(1000);
    expect(await api.task(task.task_id)).toMatchObject({ status: 'running', attempts: 2, node: other.node });
    const done = await api.waitForTask(task.task_id, (t) => t.status !== 'running', 40000);
    expect(done).toMatchObject({ status: 'completed', attempts: 2, node: other.node, result: { done: true } });
  });

  it('on SIGTERM while cut off, stops its workers and exits, leaving their tasks to the cluster', async () => {
    // One on each node.
    const tasks = [await api.submit('fixture_hang'), await api.submit('fixture_hang')];
    const both = await Promise.all(tasks.map((t) => api.waitForTask(t.task_id, (r) => r.status === 'running', 20000)));
    const running = both.find((t) => t.node === cutOff.node)!;
    link.cut();
    const stopping = Date.now();
    const exit = await Promise.race([cutOff.stop('SIGTERM'), new Promise((resolve) => setTimeout(() => resolve('still running'), 20000))]);
    // Nest ends its shutdown by raising the signal again.
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - stopping).toBeLessThan(15000);
    expect(processAlive(running.worker)).toBe(false);
    const settled = await api.waitForTask(running.task_id, (t) => t.status !== 'running', 30000);
    expect(settled).toMatchObject({ status: 'interrupted', error: { code: 'NODE_LOST' } });
    await api.request('DELETE', `/tasks/${both.find((t) => t !== running)!.task_id}`);
  });
});
