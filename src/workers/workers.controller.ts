import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerListDto } from './dto/worker.dto';
import { WorkerSupervisor } from './worker-supervisor';

@ApiTags('workers')
@Controller('workers')
export class WorkersController {
  constructor(private readonly supervisor: WorkerSupervisor) {}

  @Get()
  @ApiOperation({ summary: 'Live worker processes' })
  @ApiOkResponse({ type: WorkerListDto })
  list(): WorkerListDto {
    return { workers: this.supervisor.list() };
  }
}
