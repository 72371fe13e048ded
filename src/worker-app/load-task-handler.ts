import type { TaskContext } from '../task-types/task-type';

export type TaskHandler = (input: any, ctx: TaskContext) => unknown;

/**
 * The `run` function of a handler module. The API validated the whole
 * definition when it registered the type; a worker only needs `run`, so
 * built-in types point it at a module that leaves out their DTO decorators.
 */
export function loadTaskHandler(modulePath: string): TaskHandler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(modulePath);
  const candidate = exported?.default ?? exported?.taskType ?? exported;
  if (typeof candidate?.run !== 'function') throw new Error(`${modulePath} exports no run function`);
  return candidate.run.bind(candidate);
}
