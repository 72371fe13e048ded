import { Logger } from '@nestjs/common';
import { EventEmitter, once } from 'node:events';
import { createRedisClient, logErrorsBesideOutages } from './redis-client';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('logErrorsBesideOutages', () => {
  it('logs what a BullMQ object reports while Redis answers, and not the errors of an outage', async () => {
    const connection = createRedisClient(REDIS_URL, 'fail-fast', 'spec');
    if (connection.status !== 'ready') await once(connection, 'ready');
    const logger = new Logger('spec');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const bullmqObject = new EventEmitter();
    logErrorsBesideOutages(bullmqObject, connection, logger);

    bullmqObject.emit('error', new Error('Missing lock for job 7. moveToFinished'));
    expect(warn).toHaveBeenCalledWith('Missing lock for job 7. moveToFinished');

    const ended = once(connection, 'end');
    connection.disconnect();
    await ended;
    bullmqObject.emit('error', new Error('Connection is closed.'));
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
