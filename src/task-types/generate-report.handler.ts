import type { TaskContext } from './task-type';
import type { GenerateReportInput } from './generate-report';

// What a worker loads to run this type: no DTO, so no Swagger or class-validator in the worker.

const SECTIONS = ['collect', 'aggregate', 'analyse', 'format', 'publish'];

export async function run(input: GenerateReportInput, ctx: TaskContext) {
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
}
