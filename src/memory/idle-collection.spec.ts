import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { appConfig } from '../config/app-config';
import { MemoryModule } from './memory.module';
import { QuietSpellCollector } from './quiet-spell-collector';

@Module({ imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig] }), ScheduleModule.forRoot(), MemoryModule] })
class ScheduledMemoryModule {}

describe('MemoryModule', () => {
  afterEach(() => jest.restoreAllMocks());

  it('looks every 250 ms once the app is up, and stops with it', async () => {
    const looks = jest.spyOn(QuietSpellCollector.prototype, 'check').mockReturnValue(false);
    const app = await NestFactory.createApplicationContext(ScheduledMemoryModule, { logger: false });
    await new Promise((resolve) => setTimeout(resolve, 900));
    const seen = looks.mock.calls.length;
    await app.close();
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(seen).toBeLessThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(looks.mock.calls.length).toBe(seen);
  });
});
