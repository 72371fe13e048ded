import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { defineTaskType } from './task-type';
import { run } from './generate-report.handler';

export class GenerateReportInput {
  @ApiPropertyOptional({ description: 'Kind of report.', default: 'summary', example: 'detailed', minLength: 1, maxLength: 100 })
  @IsString() @Length(1, 100)
  report_type: string = 'summary';

  @ApiPropertyOptional({ description: 'Milliseconds per section (5 sections, about 5 s in all).', default: 1000, minimum: 0, maximum: 60000 })
  @IsInt() @Min(0) @Max(60000)
  step_ms: number = 1000;
}

export default defineTaskType({
  name: 'generate_report',
  description: 'Generates a report in 5 sections, about 5 s (IO-bound).',
  input: GenerateReportInput,
  defaultTimeoutMs: 300_000,
  // Pure computation: running it again changes nothing outside.
  retrySafe: true,
  run,
});
