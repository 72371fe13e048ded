import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { ClusterModeModule } from './cluster/cluster-mode.module';
import { appConfig, type AppConfig } from './config/app-config';
import { EmbeddedModeModule } from './embedded/embedded-mode.module';
import { HealthModule } from './health/health.module';
import { MemoryModule } from './memory/memory.module';
import { MonitorModule } from './monitor/monitor.module';
import { NodesModule } from './nodes/nodes.module';
import { TaskTypesModule } from './task-types/task-types.module';
import { TasksModule } from './tasks/tasks.module';
import { WorkersModule } from './workers/workers.module';

@Module({})
export class AppModule {
  /** The mode (QUEUE) decides which module provides the queue, the control path and the node list. */
  static register(config: Pick<AppConfig, 'queue'>): DynamicModule {
    const mode = config.queue === 'bullmq' ? ClusterModeModule : EmbeddedModeModule;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig] }),
        ScheduleModule.forRoot(),
        { module: mode, global: true },
        TaskTypesModule,
        WorkersModule,
        TasksModule,
        NodesModule,
        MonitorModule,
        HealthModule,
        MemoryModule,
      ],
    };
  }
}
