import { Module } from '@nestjs/common';
import { TaskTypeRegistry } from './task-type-registry';
import { TaskTypesController } from './task-types.controller';

@Module({
  controllers: [TaskTypesController],
  providers: [TaskTypeRegistry],
  exports: [TaskTypeRegistry],
})
export class TaskTypesModule {}
