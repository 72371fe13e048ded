import type { TaskStatus } from './task';

/**
 * Errors the domain raises. The HTTP mapping lives in one place
 * (DomainExceptionFilter); services never speak HTTP.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details?: unknown;
}

export class TaskNotFoundError extends DomainError {
  readonly code = 'TASK_NOT_FOUND';
  constructor(readonly taskId: string) {
    super(`task ${taskId} not found`);
  }
}

export class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_STATE';
  constructor(
    readonly taskId: string,
    readonly current: TaskStatus,
    action: string,
  ) {
    super(`cannot ${action} task ${taskId}: it is ${current}`);
  }
}

export class UnknownTaskTypeError extends DomainError {
  readonly code = 'UNKNOWN_TASK_TYPE';
  constructor(taskType: string, readonly known: string[]) {
    super(`unknown task_type "${taskType}"; known types: ${known.join(', ')}`);
  }
}

export interface FieldProblem {
  field: string;
  problems: string[];
}

export class InvalidTaskDataError extends DomainError {
  readonly code = 'INVALID_TASK_DATA';
  constructor(taskType: string, readonly details: FieldProblem[]) {
    super(
      `task_data is invalid for ${taskType}: ` +
        details.map((d) => `${d.field}: ${d.problems.join('; ')}`).join(', '),
    );
  }
}

export class QueueFullError extends DomainError {
  readonly code = 'QUEUE_FULL';
  constructor(readonly limit: number, readonly retryAfterS: number, submitted = 1) {
    super(
      submitted === 1
        ? `the queue holds its limit of ${limit} waiting tasks; retry later`
        : `${submitted} more tasks would take the queue past its limit of ${limit} waiting tasks; retry later`,
    );
  }
}

/** What was wrong with one item of a batch, as its own error would have said it. */
export interface BatchItemProblem {
  index: number;
  code: string;
  message: string;
  details?: unknown;
}

export class InvalidBatchError extends DomainError {
  readonly code = 'INVALID_BATCH';
  constructor(readonly details: BatchItemProblem[]) {
    super(`nothing was stored: ${details.map((p) => `tasks.${p.index}: ${p.message}`).join('; ')}`);
  }
}

export class BatchOverQueueLimitError extends DomainError {
  readonly code = 'BATCH_TOO_LARGE';
  constructor(submitted: number, limit: number) {
    super(`a batch of ${submitted} tasks can never fit a queue limited to ${limit} waiting tasks (MAX_QUEUED)`);
  }
}

export class ShuttingDownError extends DomainError {
  readonly code = 'SHUTTING_DOWN';
  constructor() {
    super('the service is shutting down and takes no new tasks');
  }
}

export class WorkerUnreachableError extends DomainError {
  readonly code = 'WORKER_UNREACHABLE';
  constructor(taskId: string, reason: string) {
    super(`the worker of task ${taskId} did not answer: ${reason}`);
  }
}

export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('cursor is not one this service issued');
  }
}

export class StoreUnavailableError extends DomainError {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(reason: string) {
    super(`the task store cannot be reached: ${reason}`);
  }
}
