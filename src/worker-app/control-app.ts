import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { WorkerAppModule } from './worker-app.module';
import type { WorkerToken } from './control.controller';
import type { WorkerHost } from './worker-host';

/** Boots the worker's control micro-app on a loopback port the OS chooses; resolves with the port. */
export async function bootControlApp(host: WorkerHost, token: WorkerToken): Promise<number> {
  const app = await NestFactory.create(WorkerAppModule.forHost(host, token), { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}
