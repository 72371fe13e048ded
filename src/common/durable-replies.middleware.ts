import type { RequestHandler } from 'express';
import type { TaskStore } from '../store/task-store';
import { StoreUnavailableError } from '../tasks/task-errors';
import { domainErrorBody } from './domain-exception.filter';

/**
 * No JSON reply leaves before the writes it reports, or the state it shows,
 * are durable: the store may commit in groups (SQLite), after its writes have
 * returned. Error replies wait too, so a refused request's clean-up (a
 * cancelled copy, say) is on disk before the client retries. If the commit
 * behind a reply was lost, the reply becomes 503 STORE_UNAVAILABLE.
 *
 * Express middleware rather than a Nest interceptor: with any interceptor,
 * Nest runs every request through an RxJS pipeline and an async resource,
 * which on a busy API costs more than the wait itself.
 */
export function durableReplies(store: TaskStore): RequestHandler {
  return (_request, response, next) => {
    const since = store.writeMark();
    const json = response.json.bind(response);
    response.json = (body: unknown) => {
      store.durable(since).then(
        () => json(body),
        (error: Error) => {
          const refusal = domainErrorBody(new StoreUnavailableError(`a write was not committed: ${error.message}`));
          response.status(refusal.statusCode);
          json(refusal);
        },
      );
      return response;
    };
    next();
  };
}
