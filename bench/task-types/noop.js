// The benchmark's no-op task: it only says when its handler started, on the
// machine's wall clock with sub-millisecond resolution.
class NoopInput {}

module.exports = {
  name: 'bench_noop',
  description: 'Does nothing; returns when its handler started (benchmark only).',
  input: NoopInput,
  run() {
    return { started_at_ms: performance.timeOrigin + performance.now() };
  },
};
