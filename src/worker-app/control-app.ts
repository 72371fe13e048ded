import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
// Not the package's index, which loads all of Nest core (its REPL, inspector and discovery too) into the control bundle.
import { NestFactory } from '@nestjs/core/nest-factory';
import type { AddressInfo } from 'node:net';
import { NodeHttpAdapter } from './node-http-adapter';
import { WorkerAppModule } from './worker-app.module';
import type { WorkerToken } from './control.controller';
import type { RunControl } from './run-control';

/** The worker's control micro-app, listening on a loopback port the OS chooses. */
export async function startControlApp(control: RunControl, token: WorkerToken): Promise<INestApplication> {
  const app = await NestFactory.create(WorkerAppModule.forRun(control, token), new NodeHttpAdapter(), { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Boots the control app; resolves with its port. */
export async function bootControlApp(control: RunControl, token: WorkerToken): Promise<number> {
  const app = await startControlApp(control, token);
  return (app.getHttpServer().address() as AddressInfo).port;
}
