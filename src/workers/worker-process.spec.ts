import { workerEnv } from './worker-process';

describe('workerEnv', () => {
  it("is the service's environment, with one malloc arena for the worker's threads", () => {
    expect(workerEnv({ PATH: '/usr/bin', DATA_DIR: '/data' })).toEqual({ PATH: '/usr/bin', DATA_DIR: '/data', MALLOC_ARENA_MAX: '1' });
  });

  it("keeps the operator's own MALLOC_ARENA_MAX", () => {
    expect(workerEnv({ MALLOC_ARENA_MAX: '4' })).toEqual({ MALLOC_ARENA_MAX: '4' });
  });

  it('leaves out the names it is told to, and only those', () => {
    const env = { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', DB_PASSWORD: 'x' };
    expect(workerEnv(env, ['NODE_EXTRA_CA_CERTS', 'DB_PASSWORD', 'NOT_SET'])).toEqual({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '1' });
    expect(env).toEqual({ PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', DB_PASSWORD: 'x' });
  });

  it('gives one arena still when MALLOC_ARENA_MAX itself is left out', () => {
    expect(workerEnv({ MALLOC_ARENA_MAX: '4' }, ['MALLOC_ARENA_MAX'])).toEqual({ MALLOC_ARENA_MAX: '1' });
  });
});
