import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { workerForkOptions } from '../../src/workers/worker-process';

export const WORKER_APP = join(__dirname, '..', '..', 'dist', 'worker-app');
/** What the pool forks: `boot.js` runs each thread's bundle. */
export const BOOT_ENTRY = join(WORKER_APP, 'boot.js');

export interface BootedWorker {
  child: ChildProcess;
  port: number;
  token: string;
}

/** Forks the built worker entry as `WorkerProcess.fork` does and goes through its handshake. */
export function bootWorker(execArgv: string[] = []): Promise<BootedWorker> {
  const token = randomBytes(32).toString('base64url');
  const child = fork(BOOT_ENTRY, [], workerForkOptions({ execArgv }));
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it was ready`)));
    child.on('message', (message: any) => {
      if (message?.type === 'online') child.send({ type: 'boot', token, nice: 10 });
      if (message?.type === 'ready') resolve({ child, port: message.port, token });
      if (message?.type === 'failed') reject(new Error(message.error.message));
    });
  });
}

export async function stopWorker({ child }: BootedWorker): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
