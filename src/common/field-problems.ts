import type { ValidationError } from 'class-validator';
import type { FieldProblem } from '../tasks/task-errors';

/** class-validator's nested errors as one flat list of dotted field names. */
export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}
