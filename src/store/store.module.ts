import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { appConfig, type AppConfig } from '../config/app-config';
import { SqliteTaskStore } from './sqlite-task-store';
import { TASK_STORE, type TaskStore } from './task-store';

@Module({
  providers: [
    {
      provide: TASK_STORE,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig): TaskStore => new SqliteTaskStore(join(config.dataDir, 'tasks.sqlite')),
    },
  ],
  exports: [TASK_STORE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(TASK_STORE) private readonly store: TaskStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
