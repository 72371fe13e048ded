import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse,
  ApiOperation, ApiParam, ApiPayloadTooLargeResponse, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ControlTaskDto } from './dto/control-task.dto';
import { CreateTaskBatchDto, MAX_BATCH_TASKS, TaskBatchDto } from './dto/create-task-batch.dto';
import { CreateTaskDto } from './dto/create-task.dto';
import { DeleteTaskQueryDto, GetTaskQueryDto, ListTasksQueryDto } from './dto/task-queries.dto';
import { ErrorDto, TaskDetailDto, TaskDto, TaskListDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

const TASK_ID = { name: 'task_id', format: 'uuid', description: 'Id returned by POST /tasks.' };

@ApiTags('tasks')
@ApiBadRequestResponse({ type: ErrorDto, description: 'Malformed JSON, an unknown field or an invalid value.' })
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @ApiOperation({ summary: 'Submit a task; it runs in its own worker process when a slot is free' })
  @ApiBody({
    type: CreateTaskDto,
    examples: {
      process_data: { value: { task_type: 'process_data', task_data: { items: [1, 2, 3, 4, 5] } } },
      generate_report: { value: { task_type: 'generate_report', task_data: { report_type: 'detailed' } } },
      cpu_intensive: { value: { task_type: 'cpu_intensive', task_data: { complexity: 2000000, batches: 5 } } },
    },
  })
  @ApiCreatedResponse({ type: TaskDto })
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'Body over 1 MiB.' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'MAX_QUEUED tasks already wait; see Retry-After.' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'The service is shutting down.' })
  create(@Body() body: CreateTaskDto) {
    return this.tasks.create(body);
  }

  @Post('batch')
  @ApiOperation({
    summary: `Submit up to ${MAX_BATCH_TASKS} tasks in one request, all or none`,
    description:
      'Each item is checked as POST /tasks checks its body. If any item is bad, or the batch would take the queue past ' +
      'MAX_QUEUED, nothing is stored; the error names every bad item by its index (details[].index).',
  })
  @ApiCreatedResponse({ type: TaskBatchDto })
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'Body over 1 MiB.' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'The batch does not fit under MAX_QUEUED now; see Retry-After.' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'The service is shutting down.' })
  createMany(@Body() body: CreateTaskBatchDto) {
    return this.tasks.createMany(body.tasks);
  }

  @Get()
  @ApiOperation({ summary: 'List tasks, newest first, a page at a time' })
  @ApiOkResponse({ type: TaskListDto })
  list(@Query() query: ListTasksQueryDto) {
    return this.tasks.list(query);
  }

  @Get(':task_id')
  @ApiOperation({ summary: "A task's record; with detail=true, merged with its worker's live view" })
  @ApiParam(TASK_ID)
  @ApiOkResponse({ type: TaskDetailDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@Param('task_id') taskId: string, @Query() query: GetTaskQueryDto) {
    return this.tasks.get(taskId, query.detail);
  }

  @Post(':task_id/control')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause or resume a running task',
    description:
      'Pause answers once the handler has parked at a checkpoint (status paused), or after 1 s with status still running ' +
      'if it has not reached one yet; it turns paused when it does. Repeating the current state is a no-op.',
  })
  @ApiParam(TASK_ID)
  @ApiOkResponse({ type: TaskDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The task is not running or paused; details.status names its state.' })
  @ApiBadGatewayResponse({ type: ErrorDto, description: "The task's worker did not answer." })
  control(@Param('task_id') taskId: string, @Body() body: ControlTaskDto) {
    return this.tasks.control(taskId, body.action);
  }

  @Delete(':task_id')
  @ApiOperation({
    summary: 'Terminate a task (cancel it if still queued)',
    description:
      'Without use_http the worker is killed at once (SIGKILL). With use_http=true its AbortSignal fires through ' +
      'its control server, and it is killed after TERMINATE_GRACE_MS if still alive. The record is terminated at once.',
  })
  @ApiParam(TASK_ID)
  @ApiOkResponse({ type: TaskDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The task has already finished; details.status names its state.' })
  terminate(@Param('task_id') taskId: string, @Query() query: DeleteTaskQueryDto) {
    return this.tasks.terminate(taskId, query.use_http);
  }
}
