import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { TaskTypesModule } from '../task-types/task-types.module';
import { LocalTaskControl } from './local-task-control';
import { WorkerLauncher } from './worker-launcher';
import { WorkerSupervisor } from './worker-supervisor';
import { WorkersController } from './workers.controller';

@Module({
  imports: [StoreModule, TaskTypesModule],
  controllers: [WorkersController],
  providers: [WorkerSupervisor, WorkerLauncher, LocalTaskControl],
  exports: [WorkerSupervisor, LocalTaskControl],
})
export class WorkersModule {}
