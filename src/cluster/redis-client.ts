import { Logger } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';
import { once } from 'node:events';

/**
 * How a connection behaves while Redis is away.
 * - `fail-fast`: commands fail at once, so an API request answers 503 instead of hanging.
 * - `patient`: commands wait in the offline queue and run after the reconnect, so a
 *   worker's outcome is written late rather than lost. BullMQ workers need this too.
 */
export type RedisProfile = 'fail-fast' | 'patient';

const PROFILES: Record<RedisProfile, RedisOptions> = {
  'fail-fast': { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2000, connectTimeout: 2000 },
  patient: { enableOfflineQueue: true, maxRetriesPerRequest: null, connectTimeout: 5000 },
};

/** Reconnect forever, backing off to one attempt every 2 s. */
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 2000);

export function createRedisClient(url: string, profile: RedisProfile, name: string): Redis {
  const logger = new Logger(`Redis:${name}`);
  const client = new Redis(url, { ...PROFILES[profile], retryStrategy, connectionName: `ntr:${name}` });
  // One line per outage, not one per reconnect attempt; an unhandled 'error' would crash the node.
  let down = false;
  client.on('error', (error) => {
    if (!down) logger.warn(`connection lost: ${error.message}; reconnecting`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.log('reconnected');
    down = false;
  });
  return client;
}

type ErrorSource = { on(event: 'error', listener: (error: Error) => void): unknown };

/**
 * BullMQ passes on its connection's errors, which the connection already
 * reports once per outage. What it reports while Redis answers (a job lock
 * lost, a move that failed) is news, and is logged.
 */
export function logErrorsBesideOutages(source: ErrorSource, connection: Redis, logger: Logger): void {
  source.on('error', (error) => {
    if (connection.status === 'ready') logger.warn(error.message);
  });
}

/** BullMQ and task records share Redis, so evicting keys would lose tasks. */
export async function warnUnlessNoEviction(client: Redis, logger: Logger): Promise<void> {
  try {
    if (client.status !== 'ready') await once(client, 'ready', { signal: AbortSignal.timeout(5000) });
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as string[];
    if (policy !== 'noeviction') {
      logger.warn(`Redis maxmemory-policy is "${policy}": set it to "noeviction", or Redis may drop tasks when memory runs short`);
    }
  } catch (error) {
    logger.warn(`could not read Redis maxmemory-policy (${(error as Error).message}); it must be "noeviction"`);
  }
}
