import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TASK_STATUSES, type TaskStatus } from '../task';

export class TaskErrorDto {
  @ApiProperty({ example: 'WORKER_EXITED' }) code: string;
  @ApiProperty({ example: 'the worker exited with code 3 before reporting a result' }) message: string;
}

export class TaskDto {
  @ApiProperty({ format: 'uuid', example: '01a2351f-b480-7be1-9e02-e7495ed19bda' }) task_id: string;
  @ApiProperty({ example: 'process_data' }) task_type: string;
  @ApiProperty({ enum: TASK_STATUSES, example: 'running' }) status: TaskStatus;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { items: [1, 2, 3], step_ms: 1000 } })
  task_data: Record<string, unknown>;
  @ApiProperty({ example: 0 }) priority: number;
  @ApiProperty({ example: 300000 }) timeout_ms: number;
  @ApiProperty({ minimum: 0, maximum: 100, example: 40 }) progress: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { step: 4, steps: 10 } })
  progress_info: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, description: "The handler's result once completed.", example: { processed_items: 3, success: true } })
  result: unknown;
  @ApiProperty({ type: TaskErrorDto, nullable: true }) error: TaskErrorDto | null;
  @ApiProperty({ example: 1, description: 'How many times a worker was started for it.' }) attempts: number;
  @ApiProperty({ type: String, nullable: true, example: '127.0.0.1:39411', description: 'Control server of the live worker.' })
  worker_server: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 41235, description: 'Pid of the worker process.' }) worker: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'node-a-41200-3f9c1e', description: 'The node whose worker ran the task.' })
  node: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) started_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: string | null;
}

export class WorkerStatusDto {
  @ApiProperty({ format: 'uuid' }) task_id: string;
  @ApiProperty() task_type: string;
  @ApiProperty({ example: 41235 }) pid: number;
  @ApiProperty({ enum: ['running', 'pausing', 'paused', 'terminating'] }) state: string;
  @ApiProperty({ example: 40 }) progress: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) progress_info: Record<string, unknown> | null;
  @ApiProperty({ description: 'True once the handler has parked at a checkpoint.' }) paused: boolean;
  @ApiProperty({ example: 61865984 }) rss_bytes: number;
  @ApiProperty({ example: { user: 812, system: 40 } }) cpu_time_ms: { user: number; system: number };
  @ApiProperty({ example: 4.21 }) uptime_s: number;
}

export class TaskDetailDto extends TaskDto {
  @ApiPropertyOptional({ type: WorkerStatusDto, nullable: true, description: "Live view from the task's worker; null when none runs it." })
  worker_status?: WorkerStatusDto | null;
}

export class TaskListDto {
  @ApiProperty({ type: [TaskDto] }) tasks: TaskDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}

export class ErrorDto {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({ example: 'TASK_NOT_FOUND' }) code: string;
  @ApiProperty({ example: 'task 01a2351f-b480-7be1-9e02-e7495ed19bda not found' }) message: string;
  @ApiPropertyOptional({ description: 'Per-field problems, or the current status for a refused transition.' }) details?: unknown;
}
