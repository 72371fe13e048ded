// Spins the CPU and never reaches a checkpoint: the worker's control server must still answer.
class SpinInput {}

module.exports = {
  name: 'bench_spin',
  description: 'Spins forever without a checkpoint (benchmark only).',
  input: SpinInput,
  run() {
    for (;;);
  },
};
