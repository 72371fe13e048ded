import { ApiProperty } from '@nestjs/swagger';

export class WorkerDto {
  @ApiProperty({ example: 41235 }) pid: number;
  @ApiProperty({ format: 'uuid' }) task_id: string;
  @ApiProperty({ example: 'cpu_intensive' }) task_type: string;
  @ApiProperty({ enum: ['starting', 'running', 'paused', 'terminating'] }) state: 'starting' | 'running' | 'paused' | 'terminating';
  @ApiProperty({ example: 3.2 }) uptime_s: number;
  @ApiProperty({ type: Number, nullable: true, example: 52428800, description: 'Resident memory; null where the OS does not tell.' })
  rss_bytes: number | null;
}

export class WorkerListDto {
  @ApiProperty({ type: [WorkerDto] }) workers: WorkerDto[];
}
