import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { defineTaskType } from './task-type';

/** Iterations between checkpoints: a few microseconds of work, far below the 100 ms promise. */
const CHECK_EVERY = 1 << 14;

export class CpuIntensiveInput {
  @ApiPropertyOptional({ description: 'Iterations per batch.', default: 1_000_000, minimum: 1, maximum: 1_000_000_000, example: 2_000_000 })
  @IsInt() @Min(1) @Max(1_000_000_000)
  complexity: number = 1_000_000;

  @ApiPropertyOptional({ description: 'Number of batches.', default: 5, minimum: 1, maximum: 1000, example: 5 })
  @IsInt() @Min(1) @Max(1000)
  batches: number = 5;
}

/** Real arithmetic the optimiser cannot drop: a sum of square roots. */
function batch(complexity: number, checkpoint: () => void): number {
  let sum = 0;
  for (let i = 0; i < complexity; i++) {
    sum += Math.sqrt(i) * Math.sin(i);
    if ((i & (CHECK_EVERY - 1)) === 0) checkpoint();
  }
  return sum;
}

export default defineTaskType({
  name: 'cpu_intensive',
  description: 'CPU-bound computation in batches; never yields to the event loop between checkpoints.',
  input: CpuIntensiveInput,
  defaultTimeoutMs: 3_600_000,
  // Pure computation: running it again changes nothing outside.
  retrySafe: true,
  run(input, ctx) {
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
  },
});
