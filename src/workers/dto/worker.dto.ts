import { ApiProperty } from '@nestjs/swagger';

export class WorkerDto {
  @ApiProperty({ example: 41235 }) pid: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null while the worker waits in the pool.' })
  task_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'cpu_intensive' }) task_type: string | null;
  @ApiProperty({
    enum: ['booting', 'idle', 'starting', 'running', 'paused', 'terminating'],
    description: 'booting and idle: a pool child without a task (it holds no slot).',
  })
  state: 'booting' | 'idle' | 'starting' | 'running' | 'paused' | 'terminating';
  @ApiProperty({ example: 3.2 }) uptime_s: number;
  @ApiProperty({ type: Number, nullable: true, example: 52428800, description: 'Resident memory; null where the OS does not tell.' })
  rss_bytes: number | null;
}

export class WorkerListDto {
  @ApiProperty({ type: [WorkerDto] }) workers: WorkerDto[];
}
