import { parseSupervisorMessage, type WorkerMessage } from '../workers/worker-protocol';
import { WorkerHost } from './worker-host';
import type { WorkerToken } from './control.controller';

/**
 * Entry of a worker process. It boots its control app on an OS-chosen
 * loopback port, reports `ready` once the supervisor has sent its token, and
 * then runs the tasks it is given, one at a time, until it is told to go
 * (IPC disconnect) or killed.
 */

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.connected) return process.exit(1);
  process.send!(message, undefined, {}, (error) => (error ? process.exit(1) : then?.()));
}

// Without its supervisor a worker has no purpose: leave no orphan behind.
process.on('disconnect', () => process.exit(0));

const host = new WorkerHost((message) => send(message));
const token: WorkerToken = { value: null };
let started: Promise<number> | null = null;
let markControlAppUp!: () => void;
/** Resolves once the control app listens and `ready` is on its way; a worker that fails to boot exits instead. */
export const controlAppUp = new Promise<void>((resolve) => (markControlAppUp = resolve));

process.on('message', (raw) => {
  const message = parseSupervisorMessage(raw);
  if (message?.type === 'boot' && !token.value) {
    token.value = message.token;
    host.handlerNice = message.nice;
    started!.then(
      (port) => {
        host.prepare();
        send({ type: 'ready', port });
        markControlAppUp();
      },
      (error) => send({ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: String(error?.message ?? error) } }, () => process.exit(1)),
    );
  }
  if (message?.type === 'start' && token.value) host.start(message.task);
});

send({ type: 'online' });
// Booting does not wait for the token: it only has to be there before the first request is let in.
const { bootControlApp } = require('./control-app') as typeof import('./control-app');
started = bootControlApp(host, token);
