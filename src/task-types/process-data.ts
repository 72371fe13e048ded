import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsInt, Max, Min } from 'class-validator';
import { defineTaskType } from './task-type';
import { run } from './process-data.handler';

export class ProcessDataInput {
  @ApiPropertyOptional({ description: 'Items to process.', type: 'array', items: {}, default: [], example: [1, 2, 3, 4, 5] })
  @IsArray()
  items: unknown[] = [];

  @ApiPropertyOptional({ description: 'Milliseconds per step (10 steps).', default: 1000, minimum: 0, maximum: 60000 })
  @IsInt() @Min(0) @Max(60000)
  step_ms: number = 1000;
}

export default defineTaskType({
  name: 'process_data',
  description: 'Processes a list of items in 10 steps, reporting progress after each (IO-bound).',
  input: ProcessDataInput,
  defaultTimeoutMs: 300_000,
  run,
});
