import { Module } from '@nestjs/common';
import { IdleCollection } from './idle-collection';

@Module({ providers: [IdleCollection] })
export class MemoryModule {}
