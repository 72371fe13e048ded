import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { defineTaskType } from './task-type';
import { run } from './cpu-intensive.handler';

export class CpuIntensiveInput {
  @ApiPropertyOptional({ description: 'Iterations per batch.', default: 1_000_000, minimum: 1, maximum: 1_000_000_000, example: 2_000_000 })
  @IsInt() @Min(1) @Max(1_000_000_000)
  complexity: number = 1_000_000;

  @ApiPropertyOptional({ description: 'Number of batches.', default: 5, minimum: 1, maximum: 1000, example: 5 })
  @IsInt() @Min(1) @Max(1000)
  batches: number = 5;
}

export default defineTaskType({
  name: 'cpu_intensive',
  description: 'CPU-bound computation in batches; never yields to the event loop between checkpoints.',
  input: CpuIntensiveInput,
  defaultTimeoutMs: 3_600_000,
  // Pure computation: running it again changes nothing outside.
  retrySafe: true,
  run,
});
