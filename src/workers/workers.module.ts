import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { TaskTypesModule } from '../task-types/task-types.module';
import { TaskDispatcher } from './task-dispatcher';
import { WorkerLauncher } from './worker-launcher';
import { WorkerSupervisor } from './worker-supervisor';
import { WorkersController } from './workers.controller';

@Module({
  imports: [StoreModule, TaskTypesModule],
  controllers: [WorkersController],
  providers: [WorkerSupervisor, WorkerLauncher, TaskDispatcher],
  exports: [WorkerSupervisor, TaskDispatcher],
})
export class WorkersModule {}
