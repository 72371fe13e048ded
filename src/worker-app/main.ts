import { parseSupervisorMessage, type WorkerMessage } from '../workers/worker-protocol';
import { WorkerHost } from './worker-host';

/**
 * Entry of a worker process. It boots its control app on an OS-chosen
 * loopback port once the supervisor has sent its token, reports `ready`, and
 * then runs the tasks it is given, one at a time, until it is told to go
 * (IPC disconnect) or killed.
 */

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.connected) return process.exit(1);
  process.send!(message, undefined, {}, (error) => (error ? process.exit(1) : then?.()));
}

const host = new WorkerHost((message) => send(message));
let booted = false;

// Without its supervisor a worker has no purpose: leave no orphan behind.
process.on('disconnect', () => process.exit(0));

process.on('message', (raw) => {
  const message = parseSupervisorMessage(raw);
  if (message?.type === 'boot' && !booted) {
    booted = true;
    // Required here, not at the top: the `online` round trip overlaps loading Nest.
    const { bootControlApp } = require('./control-app') as typeof import('./control-app');
    bootControlApp(host, message.token).then(
      (port) => send({ type: 'ready', port }),
      (error) => send({ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: String(error?.message ?? error) } }, () => process.exit(1)),
    );
  }
  if (message?.type === 'start' && booted) host.start(message.task);
});

send({ type: 'online' });
