import { Module } from '@nestjs/common';
import { NodesController } from './nodes.controller';

/** GET /nodes; the NODE_DIRECTORY behind it comes from the mode's module. */
@Module({ controllers: [NodesController] })
export class NodesModule {}
