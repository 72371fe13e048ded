import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { TASK_STORE, type TaskStore } from '../store/task-store';
import { ErrorDto } from '../tasks/dto/task.dto';
import { TASK_QUEUE, type TaskQueue } from '../tasks/task-queue';
import { WorkerSupervisor } from '../workers/worker-supervisor';

export class HealthDto {
  @ApiProperty({ example: 'ok', enum: ['ok'] }) status: 'ok';
  @ApiProperty({ example: true, description: 'Store writable and accepting tasks.' }) ready: boolean;
  @ApiProperty({ example: 2 }) workers: number;
  @ApiProperty({ example: 12.5 }) uptime_s: number;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(TASK_STORE) private readonly store: TaskStore,
    @Inject(TASK_QUEUE) private readonly queue: TaskQueue,
    private readonly supervisor: WorkerSupervisor,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: 200 when the store is writable and tasks are accepted' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'Store not writable, or shutting down.' })
  async check(): Promise<HealthDto> {
    try {
      await this.store.checkWritable();
    } catch (error) {
      throw new ServiceUnavailableException({ code: 'STORE_UNAVAILABLE', message: `store not writable: ${(error as Error).message}` });
    }
    if (!this.queue.accepting) throw new ServiceUnavailableException({ code: 'SHUTTING_DOWN', message: 'shutting down' });
    return { status: 'ok', ready: true, workers: this.supervisor.size, uptime_s: process.uptime() };
  }
}
