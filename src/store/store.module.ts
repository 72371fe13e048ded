import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { createRedisClient } from '../cluster/redis-client';
import { appConfig, type AppConfig } from '../config/app-config';
import { RedisTaskStore } from './redis-task-store';
import { SqliteTaskStore } from './sqlite-task-store';
import { PATIENT_TASK_STORE, TASK_STORE, type TaskStore } from './task-store';

/**
 * SQLite in the embedded mode; Redis, next to BullMQ, in the shared mode. The
 * shared mode has two stores on one keyspace: the API's fails fast while Redis
 * is away, the workers' waits for it so no outcome is lost.
 */
@Module({
  providers: [
    {
      provide: TASK_STORE,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig): TaskStore =>
        config.queue === 'bullmq'
          ? new RedisTaskStore(createRedisClient(config.redisUrl, 'fail-fast', 'store'), config.redisPrefix)
          : new SqliteTaskStore(join(config.dataDir, 'tasks.sqlite')),
    },
    {
      provide: PATIENT_TASK_STORE,
      inject: [appConfig.KEY, TASK_STORE],
      useFactory: (config: AppConfig, store: TaskStore): TaskStore =>
        config.queue === 'bullmq'
          ? new RedisTaskStore(createRedisClient(config.redisUrl, 'patient', 'store-patient'), config.redisPrefix)
          : store,
    },
  ],
  exports: [TASK_STORE, PATIENT_TASK_STORE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(TASK_STORE) private readonly store: TaskStore,
    @Inject(PATIENT_TASK_STORE) private readonly patientStore: TaskStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.patientStore !== this.store) await this.patientStore.close();
  }
}
