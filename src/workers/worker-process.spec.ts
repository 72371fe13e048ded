import { workerEnv } from './worker-process';

describe('workerEnv', () => {
  it("is the service's environment, with one malloc arena for the worker's threads", () => {
    expect(workerEnv({ PATH: '/usr/bin', DATA_DIR: '/data' })).toEqual({ PATH: '/usr/bin', DATA_DIR: '/data', MALLOC_ARENA_MAX: '1' });
  });

  it("keeps the operator's own MALLOC_ARENA_MAX", () => {
    expect(workerEnv({ MALLOC_ARENA_MAX: '4' })).toEqual({ MALLOC_ARENA_MAX: '4' });
  });
});
