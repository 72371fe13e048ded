import { availableParallelism } from 'node:os';
import { loadAppConfig } from './app-config';

describe('loadAppConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAppConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: '0.0.0.0',
      maxConcurrency: availableParallelism(),
      maxQueued: 10000,
      defaultTimeoutMs: 600000,
      terminateGraceMs: 5000,
      maxResultBytes: 1048576,
      resultTtlS: 604800,
      monitorCron: '*/10 * * * * *',
      tasksDirs: [],
    });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('applies the documented pool defaults', () => {
    expect(loadAppConfig({})).toMatchObject({
      workerPoolMin: 1,
      maxTasksPerWorker: 10000,
      workerRefreshAfterTasks: 1000,
      workerMaxRssBytes: 512 * 1024 * 1024,
      workerIdleTimeoutMs: 30000,
      workerNice: 10,
      workerEnvExclude: [],
      idleCompactBytes: 16 * 1024 * 1024,
    });
  });

  it('reads numbers and paths from the environment', () => {
    const config = loadAppConfig({ PORT: '9001', MAX_CONCURRENCY: '3', TASKS_DIR: 'tasks:/opt/more' });
    expect(config.port).toBe(9001);
    expect(config.maxConcurrency).toBe(3);
    expect(config.tasksDirs).toEqual([expect.stringMatching(/\/tasks$/), '/opt/more']);
  });

  it('reads the names kept from workers, separated by commas', () => {
    expect(loadAppConfig({ WORKER_ENV_EXCLUDE: 'NODE_EXTRA_CA_CERTS, db_password ,_X' }).workerEnvExclude).toEqual(['NODE_EXTRA_CA_CERTS', 'db_password', '_X']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['MAX_CONCURRENCY', '0'],
    ['TERMINATE_GRACE_MS', '-1'],
    ['LOG_LEVEL', 'loud'],
    ['MONITOR_CRON', 'every ten seconds'],
    ['WORKER_NICE', '20'],
    ['WORKER_NICE', '-21'],
    ['WORKER_POOL_MIN', '-1'],
    ['MAX_TASKS_PER_WORKER', '0'],
    ['WORKER_REFRESH_AFTER_TASKS', '-1'],
    ['WORKER_MAX_RSS_MB', 'lots'],
    ['WORKER_IDLE_TIMEOUT_MS', '10'],
    ['WORKER_ENV_EXCLUDE', 'NODE_EXTRA_CA_CERTS;SECRET'],
    ['WORKER_ENV_EXCLUDE', 'A,,B'],
    ['WORKER_ENV_EXCLUDE', '1ST'],
    ['IDLE_COMPACT_MB', '-1'],
    ['IDLE_COMPACT_MB', 'some'],
    ['QUEUE', 'kafka'],
    ['ROLE', 'boss'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_PREFIX', 'has space'],
    ['NODE_NAME', 'a/b'],
  ])('refuses %s=%s naming the setting', (name, value) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it('applies the documented shared-mode defaults', () => {
    expect(loadAppConfig({})).toMatchObject({ queue: 'embedded', role: 'all', redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'ntr' });
  });

  it('refuses a role other than all without the shared mode', () => {
    expect(() => loadAppConfig({ ROLE: 'worker' })).toThrow(/ROLE="worker": roles other than "all" need QUEUE=bullmq/);
  });

  it('keeps no warm workers on an API node', () => {
    expect(loadAppConfig({ QUEUE: 'bullmq', ROLE: 'api', WORKER_POOL_MIN: '3' }).workerPoolMin).toBe(0);
    expect(loadAppConfig({ QUEUE: 'bullmq', ROLE: 'worker', WORKER_POOL_MIN: '3' }).workerPoolMin).toBe(3);
  });

  it('names the node after NODE_NAME and this process, the same on every read', () => {
    const first = loadAppConfig({ NODE_NAME: 'edge-1' }).nodeId;
    expect(first).toMatch(new RegExp(`^edge-1-${process.pid}-[0-9a-f]{6}$`));
    expect(loadAppConfig({ NODE_NAME: 'edge-1' }).nodeId).toBe(first);
  });
});
