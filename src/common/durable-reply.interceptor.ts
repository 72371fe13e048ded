import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, type Observable } from 'rxjs';
import { TASK_STORE, type TaskStore } from '../store/task-store';
import { StoreUnavailableError } from '../tasks/task-errors';

/**
 * No reply leaves before the writes it reports, or the state it shows, are
 * durable: the store may commit in groups (SQLite), after the write has
 * returned. An error reply waits too, so a refused request's own clean-up
 * (a cancelled copy, say) is on disk before the client retries.
 */
@Injectable()
export class DurableReplyInterceptor implements NestInterceptor {
  constructor(@Inject(TASK_STORE) private readonly store: TaskStore) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const since = this.store.writeMark();
    return next.handle().pipe(
      concatMap(async (body) => {
        await this.store.durable(since).catch((error: Error) => {
          throw new StoreUnavailableError(`a write was not committed: ${error.message}`);
        });
        return body;
      }),
      catchError(async (error) => {
        await this.store.durable(since).catch(() => undefined);
        throw error;
      }),
    );
  }
}
