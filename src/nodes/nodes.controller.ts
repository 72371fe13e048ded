import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorDto } from '../tasks/dto/task.dto';
import { NodeListDto } from './dto/node.dto';
import { NODE_DIRECTORY, type NodeDirectory } from './node-directory';

@ApiTags('workers')
@Controller('nodes')
export class NodesController {
  constructor(@Inject(NODE_DIRECTORY) private readonly nodes: NodeDirectory) {}

  @Get()
  @ApiOperation({
    summary: 'Nodes serving the service and their workers',
    description: 'This process in the embedded mode; every live API and worker node on the shared Redis in the shared mode.',
  })
  @ApiOkResponse({ type: NodeListDto })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'Redis cannot be reached (shared mode).' })
  async list(): Promise<NodeListDto> {
    return { nodes: await this.nodes.list() };
  }
}
