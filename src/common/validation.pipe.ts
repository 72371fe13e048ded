import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { FieldProblem } from '../tasks/task-errors';
import { fieldProblems } from './field-problems';

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function prototypeKeys(value: unknown, path: string): FieldProblem[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const field = path ? `${path}.${key}` : key;
    return PROTOTYPE_KEYS.has(key)
      ? [{ field, problems: [`property ${key} should not exist`] }]
      : prototypeKeys(child, field);
  });
}

function validationFailed(details: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: details.map((d) => `${d.field}: ${d.problems.join('; ')}`).join(', '),
    details,
  });
}

/**
 * The one global pipe: unknown fields are refused, never dropped, and every bad
 * field is named. Nest strips keys such as __proto__ silently; we refuse them too.
 */
class StrictValidationPipe extends ValidationPipe {
  protected stripProtoKeys(value: unknown): void {
    const found = prototypeKeys(value, '');
    if (found.length > 0) throw validationFailed(found);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationFailed(fieldProblems(errors)),
  });
}
