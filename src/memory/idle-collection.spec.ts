import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { appConfig } from '../config/app-config';
import { MemoryModule } from './memory.module';
import * as quietSpell from './quiet-spell-collector';
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

  it.each([
    [undefined, 16 * 1024 * 1024],
    ['0', 0],
    ['64', 64 * 1024 * 1024],
  ])('gives the collector IDLE_COMPACT_MB=%s as %d bytes', async (setting, bytes) => {
    const Real = quietSpell.QuietSpellCollector;
    const made = jest.spyOn(quietSpell, 'QuietSpellCollector').mockImplementation((probes, growth) => new Real(probes, growth));
    const before = process.env.IDLE_COMPACT_MB;
    if (setting === undefined) delete process.env.IDLE_COMPACT_MB;
    else process.env.IDLE_COMPACT_MB = setting;
    try {
      const app = await NestFactory.createApplicationContext(ScheduledMemoryModule, { logger: false });
      await app.close();
    } finally {
      if (before === undefined) delete process.env.IDLE_COMPACT_MB;
      else process.env.IDLE_COMPACT_MB = before;
    }
    expect(made).toHaveBeenCalledWith(expect.anything(), bytes);
  });
});
