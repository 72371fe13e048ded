import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { WorkersModule } from '../workers/workers.module';
import { HealthController } from './health.controller';

@Module({ imports: [StoreModule, WorkersModule], controllers: [HealthController] })
export class HealthModule {}
