import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { TaskTypesModule } from '../task-types/task-types.module';
import { WorkersModule } from '../workers/workers.module';
import { TaskRetention } from './task-retention';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({
  imports: [StoreModule, TaskTypesModule, WorkersModule],
  controllers: [TasksController],
  providers: [TasksService, TaskRetention],
})
export class TasksModule {}
