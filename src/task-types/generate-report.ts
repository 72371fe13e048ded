import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { defineTaskType } from './task-type';

const SECTIONS = ['collect', 'aggregate', 'analyse', 'format', 'publish'];

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
  async run(input, ctx) {
    const sections: Record<string, { generated_at: string }> = {};
    for (const [index, section] of SECTIONS.entries()) {
      await ctx.sleep(input.step_ms);
      sections[section] = { generated_at: new Date().toISOString() };
      ctx.progress(((index + 1) / SECTIONS.length) * 100, { section });
    }
    return {
      report_type: input.report_type,
      generated_at: new Date().toISOString(),
      report_data: { sections, section_count: SECTIONS.length },
    };
  },
});
