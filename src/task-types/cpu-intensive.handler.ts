import type { TaskContext } from './task-type';
import type { CpuIntensiveInput } from './cpu-intensive';

// What a worker loads to run this type: no DTO, so no Swagger or class-validator in the worker.

/** Iterations between checkpoints: a few microseconds of work, far below the 100 ms promise. */
const CHECK_EVERY = 1 << 14;

/** Real arithmetic the optimiser cannot drop: a sum of square roots. */
function batch(complexity: number, checkpoint: () => void): number {
  let sum = 0;
  for (let i = 0; i < complexity; i++) {
    sum += Math.sqrt(i) * Math.sin(i);
    if ((i & (CHECK_EVERY - 1)) === 0) checkpoint();
  }
  return sum;
}

export function run(input: CpuIntensiveInput, ctx: TaskContext) {
  const started = performance.now();
  const batchResults: { batch: number; result: number; elapsed_ms: number }[] = [];
  for (let index = 0; index < input.batches; index++) {
    const batchStarted = performance.now();
    const result = batch(input.complexity, () => ctx.checkpoint());
    batchResults.push({ batch: index + 1, result, elapsed_ms: Math.round(performance.now() - batchStarted) });
    ctx.progress(((index + 1) / input.batches) * 100, { batch: index + 1, batches: input.batches });
  }
  const total = batchResults.reduce((sum, b) => sum + b.result, 0);
  return {
    complexity: input.complexity,
    batches: input.batches,
    batch_results: batchResults,
    average: total / batchResults.length,
    elapsed_seconds: (performance.now() - started) / 1000,
  };
}
