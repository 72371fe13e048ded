import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const CONTROL_ACTIONS = ['pause', 'resume'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

export class ControlTaskDto {
  @ApiProperty({ enum: CONTROL_ACTIONS, example: 'pause' })
  @IsIn(CONTROL_ACTIONS, { message: 'action must be one of: pause, resume' })
  action: ControlAction;
}
