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
      maxTasksPerWorker: 100,
      workerMaxRssBytes: 512 * 1024 * 1024,
      workerIdleTimeoutMs: 30000,
      workerNice: 10,
    });
  });

  it('reads numbers and paths from the environment', () => {
    const config = loadAppConfig({ PORT: '9001', MAX_CONCURRENCY: '3', TASKS_DIR: 'tasks:/opt/more' });
    expect(config.port).toBe(9001);
    expect(config.maxConcurrency).toBe(3);
    expect(config.tasksDirs).toEqual([expect.stringMatching(/\/tasks$/), '/opt/more']);
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
    ['WORKER_MAX_RSS_MB', 'lots'],
    ['WORKER_IDLE_TIMEOUT_MS', '10'],
  ])('refuses %s=%s naming the setting', (name, value) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });
});
