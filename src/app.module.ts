import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { appConfig } from './config/app-config';
import { HealthModule } from './health/health.module';
import { MonitorModule } from './monitor/monitor.module';
import { TaskTypesModule } from './task-types/task-types.module';
import { TasksModule } from './tasks/tasks.module';
import { WorkersModule } from './workers/workers.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig] }),
    ScheduleModule.forRoot(),
    TaskTypesModule,
    WorkersModule,
    TasksModule,
    MonitorModule,
    HealthModule,
  ],
})
export class AppModule {}
