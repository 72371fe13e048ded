import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const MAX_TIMEOUT_MS = 7 * 24 * 3600 * 1000;

export class CreateTaskDto {
  @ApiProperty({ description: 'A registered task type (see GET /task-types).', example: 'process_data' })
  @IsString() @Length(1, 64)
  task_type: string;

  @ApiPropertyOptional({
    description: "Input of the task, checked against its type's schema (one of the *Input schemas).",
    type: 'object',
    additionalProperties: true,
    default: {},
    example: { items: [1, 2, 3, 4, 5] },
  })
  @IsOptional() @IsObject()
  task_data?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Higher runs first; equal priorities run oldest first.', default: 0, minimum: -1000, maximum: 1000 })
  @IsOptional() @IsInt() @Min(-1000) @Max(1000)
  priority?: number;

  @ApiPropertyOptional({
    description: "Wall-clock limit of the run, paused time excluded. Default: the type's default, else DEFAULT_TIMEOUT_MS.",
    minimum: 1,
    maximum: MAX_TIMEOUT_MS,
    example: 60000,
  })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_TIMEOUT_MS)
  timeout_ms?: number;
}
