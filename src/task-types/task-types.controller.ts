import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TaskTypeListDto } from './dto/task-type.dto';
import { TaskTypeRegistry } from './task-type-registry';

@ApiTags('task-types')
@Controller('task-types')
export class TaskTypesController {
  constructor(private readonly registry: TaskTypeRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Registered task types with their task_data schema and defaults' })
  @ApiOkResponse({ type: TaskTypeListDto })
  list(): TaskTypeListDto {
    return { task_types: this.registry.describe() };
  }
}
