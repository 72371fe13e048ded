import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { configureApp, createApiApp } from './app-setup';
import { AppModule } from './app.module';
import { InvalidConfigError, loadAppConfig } from './config/app-config';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

async function bootstrap(): Promise<void> {
  const config = loadAppConfig(process.env);
  const logger = LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1);
  const module = AppModule.register(config);
  if (config.role === 'worker') {
    // A worker node serves no public API: it takes jobs from Redis and answers control over Redis.
    const app = await NestFactory.createApplicationContext(module, { logger });
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    Logger.log(`worker node ${config.nodeId} started`, 'Bootstrap');
    return;
  }
  const app = await createApiApp(module, logger);
  configureApp(app);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const mode = config.queue === 'bullmq' ? `shared mode, role ${config.role}, node ${config.nodeId}` : 'embedded mode';
  Logger.log(`listening on http://${config.host}:${port} (docs at /docs; ${mode})`, 'Bootstrap');
}

bootstrap().catch((error) => {
  // A bad setting is the operator's to fix: say which, without a stack.
  console.error(error instanceof InvalidConfigError ? error.message : error);
  process.exit(1);
});
