import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { TASK_STATUSES, type TaskStatus } from '../task';

/** Query flags accept true/false/1/0; anything else stays a string and fails @IsBoolean. */
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

export class ListTasksQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional() @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ example: 'cpu_intensive' })
  @IsOptional() @IsString() @Length(1, 64)
  task_type?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page.' })
  @IsOptional() @IsString() @Length(1, 200)
  cursor?: string;
}

export class GetTaskQueryDto {
  @ApiPropertyOptional({ description: "Ask the task's worker for its live view.", default: false })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  detail: boolean = false;
}

export class DeleteTaskQueryDto {
  @ApiPropertyOptional({
    description: "Terminate gracefully through the worker's POST /terminate, then by force after TERMINATE_GRACE_MS.",
    default: false,
  })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  use_http: boolean = false;
}
