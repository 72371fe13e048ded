import { ApiProperty } from '@nestjs/swagger';
import { WorkerDto } from '../../workers/dto/worker.dto';

export class NodeDto {
  @ApiProperty({ example: 'node-a-41200-3f9c1e', description: 'Appears as `node` in the records of the tasks it runs.' })
  node: string;
  @ApiProperty({ enum: ['all', 'api', 'worker'] }) role: 'all' | 'api' | 'worker';
  @ApiProperty({ example: 'node-a' }) host: string;
  @ApiProperty({ example: 41200 }) pid: number;
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ format: 'date-time', description: 'Last heartbeat; nodes silent for 10 s drop out of the list.' })
  seen_at: string;
  @ApiProperty({ example: 2, description: 'Tasks it runs at once (0 for an API node).' }) max_concurrency: number;
  @ApiProperty({ type: [WorkerDto], description: 'Its worker processes as of its last heartbeat.' }) workers: WorkerDto[];
}

export class NodeListDto {
  @ApiProperty({ type: [NodeDto] }) nodes: NodeDto[];
}
