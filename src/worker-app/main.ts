import type { AddressInfo } from 'node:net';
import { parseSupervisorMessage, type SupervisorMessage, type WorkerMessage } from '../workers/worker-protocol';
import { TaskRun } from './task-run';

/**
 * Entry of a worker process. It runs one task: boots its control app on an
 * OS-chosen loopback port, reports `ready`, runs the handler and exits after
 * reporting the outcome.
 */

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.connected) return process.exit(1);
  process.send!(message, undefined, {}, (error) => (error ? process.exit(1) : then?.()));
}

const OUTCOMES = new Set<WorkerMessage['type']>(['completed', 'failed', 'aborted']);

async function run(message: SupervisorMessage): Promise<void> {
  const taskRun = new TaskRun(message.task, (report) =>
    send(report, OUTCOMES.has(report.type) ? () => process.exit(0) : undefined),
  );
  taskRun.load();
  // Nest loads after the handler thread has started loading the task's module, so both overlap.
  require('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { WorkerAppModule } = await import('./worker-app.module');
  const app = await NestFactory.create(WorkerAppModule.forRun(taskRun, message.token), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  send({ type: 'ready', port });
  taskRun.run();
}

// Without its supervisor a worker has no purpose: leave no orphan behind.
process.on('disconnect', () => process.exit(0));

let started = false;
process.on('message', (raw) => {
  const message = parseSupervisorMessage(raw);
  if (!message || started) return;
  started = true;
  run(message).catch((error) => {
    send({ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: String(error?.message ?? error) } }, () =>
      process.exit(1),
    );
  });
});

send({ type: 'online' });
