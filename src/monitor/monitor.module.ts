import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { TaskMonitor } from './task-monitor';

@Module({ imports: [StoreModule], providers: [TaskMonitor] })
export class MonitorModule {}
