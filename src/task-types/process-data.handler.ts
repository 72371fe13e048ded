import type { TaskContext } from './task-type';
import type { ProcessDataInput } from './process-data';

// What a worker loads to run this type: no DTO, so no Swagger or class-validator in the worker.

const STEPS = 10;

export async function run(input: ProcessDataInput, ctx: TaskContext) {
  for (let step = 1; step <= STEPS; step++) {
    await ctx.sleep(input.step_ms);
    ctx.progress((step / STEPS) * 100, { step, steps: STEPS });
  }
  return { processed_items: input.items.length, success: true };
}
