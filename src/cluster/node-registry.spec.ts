import { randomUUID } from 'node:crypto';
import { loadAppConfig, type AppConfig } from '../config/app-config';
import type { LocalNodeDirectory } from '../nodes/local-node-directory';
import type { NodeView } from '../nodes/node-directory';
import { NodeRegistry } from './node-registry';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('NodeRegistry', () => {
  const prefix = `ntr-test-${randomUUID()}`;
  const registryFor = (redisUrl: string, node: string) => {
    const config = { ...loadAppConfig({ QUEUE: 'bullmq', REDIS_URL: redisUrl, REDIS_PREFIX: prefix }), nodeId: node };
    const self = { self: () => ({ node, role: 'worker', workers: [] }) as unknown as NodeView } as LocalNodeDirectory;
    return new NodeRegistry(config as AppConfig, self);
  };
  afterEach(() => jest.restoreAllMocks());

  it('lists a node that reports and forgets it once it leaves', async () => {
    const registry = registryFor(REDIS_URL, 'node-a');
    await registry.onApplicationBootstrap();
    expect(await registry.isAlive('node-a')).toBe(true);
    expect((await registry.list()).map((n) => n.node)).toEqual(['node-a']);
    expect(await registry.aliveAmong(['node-a', 'node-b'])).toEqual(new Set(['node-a']));
    await registry.onApplicationShutdown();

    const other = registryFor(REDIS_URL, 'node-b');
    expect(await other.isAlive('node-a')).toBe(false);
    await other.onApplicationShutdown();
  });

  it('fences once, when it has not reached Redis for 8 s, and trusts nobody’s silence meanwhile', async () => {
    const registry = registryFor('redis://127.0.0.1:1', 'cut-off');
    const fenced = jest.fn();
    registry.onFenced(fenced);
    const start = Date.now();
    const clock = jest.spyOn(Date, 'now');
    const report = () => (registry as unknown as { report(): Promise<void> }).report();

    clock.mockReturnValue(start + 2000);
    await report();
    expect(fenced).not.toHaveBeenCalled();
    expect(registry.reportingForMs()).toBe(0);

    clock.mockReturnValue(start + 8500);
    await report();
    clock.mockReturnValue(start + 10500);
    await report();
    expect(fenced).toHaveBeenCalledTimes(1);
    clock.mockRestore();
    await registry.onApplicationShutdown();
  });
});
