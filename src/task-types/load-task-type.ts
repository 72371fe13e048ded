import { TASK_TYPE_NAME, type TaskTypeDefinition } from './task-type';

/** Loads a module and returns the definition it exports, or explains why it is not one. */
export function loadTaskTypeModule(modulePath: string): TaskTypeDefinition {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(modulePath);
  const candidate = exported?.default ?? exported?.taskType ?? exported;
  const problem =
    typeof candidate?.name !== 'string' || !TASK_TYPE_NAME.test(candidate.name)
      ? `name must match ${TASK_TYPE_NAME}`
      : typeof candidate.run !== 'function'
        ? 'run must be a function'
        : typeof candidate.input !== 'function'
          ? 'input must be a class'
          : typeof candidate.description !== 'string'
            ? 'description must be a string'
            : null;
  if (problem) throw new Error(`${modulePath} is not a task type: ${problem}`);
  return candidate as TaskTypeDefinition;
}
