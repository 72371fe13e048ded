import { Module } from '@nestjs/common';
import { NODE_DIRECTORY } from '../nodes/node-directory';
import { LocalNodeDirectory } from '../nodes/local-node-directory';
import { StoreModule } from '../store/store.module';
import { TASK_CONTROL } from '../tasks/task-control';
import { TASK_QUEUE } from '../tasks/task-queue';
import { LocalTaskControl } from '../workers/local-task-control';
import { TaskDispatcher } from '../workers/task-dispatcher';
import { WorkersModule } from '../workers/workers.module';

/** One process, one SQLite file: the dispatcher is the queue and every worker is local. */
@Module({
  imports: [StoreModule, WorkersModule],
  providers: [
    TaskDispatcher,
    LocalNodeDirectory,
    { provide: TASK_QUEUE, useExisting: TaskDispatcher },
    { provide: TASK_CONTROL, useExisting: LocalTaskControl },
    { provide: NODE_DIRECTORY, useExisting: LocalNodeDirectory },
  ],
  exports: [TASK_QUEUE, TASK_CONTROL, NODE_DIRECTORY],
})
export class EmbeddedModeModule {}
