import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import {
  BatchOverQueueLimitError, DomainError, InvalidBatchError, InvalidCursorError, InvalidTaskDataError, InvalidTransitionError, QueueFullError, ShuttingDownError,
  StoreUnavailableError, TaskNotFoundError, UnknownTaskTypeError, WorkerUnreachableError,
} from '../tasks/task-errors';

const STATUS_OF: [new (...args: never[]) => DomainError, number][] = [
  [TaskNotFoundError, HttpStatus.NOT_FOUND],
  [InvalidTransitionError, HttpStatus.CONFLICT],
  [UnknownTaskTypeError, HttpStatus.BAD_REQUEST],
  [InvalidTaskDataError, HttpStatus.BAD_REQUEST],
  [InvalidCursorError, HttpStatus.BAD_REQUEST],
  [InvalidBatchError, HttpStatus.BAD_REQUEST],
  [BatchOverQueueLimitError, HttpStatus.BAD_REQUEST],
  [QueueFullError, HttpStatus.TOO_MANY_REQUESTS],
  [ShuttingDownError, HttpStatus.SERVICE_UNAVAILABLE],
  [WorkerUnreachableError, HttpStatus.BAD_GATEWAY],
  [StoreUnavailableError, HttpStatus.SERVICE_UNAVAILABLE],
];

/** Errors that body-parser raises before any route runs (Nest itself turns malformed JSON into a 400). */
const PARSER_ERRORS: Record<string, string> = {
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_ENCODING',
  'charset.unsupported': 'UNSUPPORTED_ENCODING',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: unknown;
}

/** The one place errors become HTTP answers. Clients never see a stack trace. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (exception instanceof QueueFullError) response.setHeader('Retry-After', String(exception.retryAfterS));
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) return domainErrorBody(exception);
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse() as { message?: unknown; code?: string; details?: unknown } | string;
      const raw = typeof response === 'string' ? response : response.message;
      const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? exception.message);
      const code = (typeof response === 'object' && response.code) || codeOf(statusCode);
      const details = typeof response === 'object' ? response.details : undefined;
      return { ...head(statusCode, code), message, ...(details ? { details } : {}) };
    }
    const parser = exception as { type?: string; status?: number; message?: string };
    if (parser?.type && PARSER_ERRORS[parser.type] && parser.status) {
      const message = parser.type === 'entity.too.large' ? 'request body is larger than 1 MiB' : String(parser.message);
      return { ...head(parser.status, PARSER_ERRORS[parser.type]), message };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { ...head(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR'), message: 'internal error' };
  }
}

/** The answer to a domain error; also used where a reply is refused outside Nest (see durableReplies). */
export function domainErrorBody(exception: DomainError): ErrorBody {
  const statusCode = STATUS_OF.find(([type]) => exception instanceof type)?.[1] ?? HttpStatus.BAD_REQUEST;
  const details = exception instanceof InvalidTransitionError ? { status: exception.current } : exception.details;
  return { ...head(statusCode, exception.code), message: exception.message, ...(details ? { details } : {}) };
}

function head(statusCode: number, code: string) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code };
}

function codeOf(statusCode: number): string {
  return (STATUS_CODES[statusCode] ?? 'ERROR').toUpperCase().replace(/[^A-Z]+/g, '_');
}
