import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { CreateTaskDto } from './create-task.dto';
import { TaskDto } from './task.dto';

/** Tasks one POST /tasks/batch may carry; a body of this many small tasks stays well under the 1 MiB limit. */
export const MAX_BATCH_TASKS = 1000;

export class CreateTaskBatchDto {
  @ApiProperty({
    type: [CreateTaskDto],
    minItems: 1,
    maxItems: MAX_BATCH_TASKS,
    description: 'Each item as the body of POST /tasks.',
    example: [
      { task_type: 'process_data', task_data: { items: [1, 2, 3] } },
      { task_type: 'cpu_intensive', task_data: { complexity: 1000000, batches: 2 }, priority: 5 },
    ],
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH_TASKS) @ValidateNested({ each: true }) @Type(() => CreateTaskDto)
  tasks: CreateTaskDto[];
}

export class TaskBatchDto {
  @ApiProperty({ type: [TaskDto], description: 'The stored tasks, in the order they were sent.' })
  tasks: TaskDto[];
}
