import { ApiProperty } from '@nestjs/swagger';

export class TaskTypeDto {
  @ApiProperty({ example: 'process_data' }) name: string;
  @ApiProperty({ example: 'Processes a list of items in 10 steps.' }) description: string;
  @ApiProperty({ example: 300000, description: 'Timeout used when a request gives no timeout_ms.' }) default_timeout_ms: number;
  @ApiProperty({ example: false, description: 'Run again on another node when its node dies (shared mode); otherwise interrupted.' })
  retry_safe: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON schema of task_data.' })
  input_schema: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'task_data after defaults, for an empty request.' })
  defaults: Record<string, unknown>;
}

export class TaskTypeListDto {
  @ApiProperty({ type: [TaskTypeDto] }) task_types: TaskTypeDto[];
}
