import { Module } from '@nestjs/common';
import { NODE_DIRECTORY } from '../nodes/node-directory';
import { LocalNodeDirectory } from '../nodes/local-node-directory';
import { StoreModule } from '../store/store.module';
import { TaskTypesModule } from '../task-types/task-types.module';
import { TASK_CONTROL } from '../tasks/task-control';
import { TASK_QUEUE } from '../tasks/task-queue';
import { WorkersModule } from '../workers/workers.module';
import { BullmqTaskQueue } from './bullmq-task-queue';
import { BullmqTaskRunner } from './bullmq-task-runner';
import { ControlBus } from './control-bus';
import { NodeRegistry } from './node-registry';
import { RoutedTaskControl } from './routed-task-control';
import { TaskRecovery } from './task-recovery';

/**
 * Several nodes on one Redis: BullMQ is the queue, task records live next to
 * it, and control travels to the node that runs the task. The runner takes
 * no jobs on an API node (ROLE=api).
 */
@Module({
  imports: [StoreModule, WorkersModule, TaskTypesModule],
  providers: [
    BullmqTaskQueue,
    BullmqTaskRunner,
    ControlBus,
    NodeRegistry,
    LocalNodeDirectory,
    RoutedTaskControl,
    TaskRecovery,
    { provide: TASK_QUEUE, useExisting: BullmqTaskQueue },
    { provide: TASK_CONTROL, useExisting: RoutedTaskControl },
    { provide: NODE_DIRECTORY, useExisting: NodeRegistry },
  ],
  exports: [TASK_QUEUE, TASK_CONTROL, NODE_DIRECTORY],
})
export class ClusterModeModule {}
