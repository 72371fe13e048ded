import { request } from 'node:http';
import { WORKER_TASK_HEADER, WORKER_TOKEN_HEADER, type WorkerStatus } from './worker-protocol';

const REQUEST_TIMEOUT_MS = 3000;

/**
 * HTTP client of one worker's control server (loopback, token-protected).
 * node:http rather than fetch: fetch loads undici on its first call (tens of
 * ms, landing on the first pause) and costs about a millisecond of CPU per
 * request. No keep-alive: control requests are few, and a pooled connection
 * the worker closes at the wrong moment would fail a request that should not.
 */
export class WorkerControlClient {
  constructor(
    private readonly port: number,
    private readonly token: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Each request names its task: the worker answers about that one, or 409 once it has ended. */
  status(taskId: string): Promise<WorkerStatus> {
    return this.request(taskId, 'GET', '/status');
  }

  control(taskId: string, action: 'pause' | 'resume'): Promise<WorkerStatus> {
    return this.request(taskId, 'POST', '/control', { action });
  }

  terminate(taskId: string): Promise<WorkerStatus> {
    return this.request(taskId, 'POST', '/terminate');
  }

  private request(taskId: string, method: string, path: string, body?: unknown): Promise<WorkerStatus> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: false,
          headers: {
            [WORKER_TOKEN_HEADER]: this.token,
            [WORKER_TASK_HEADER]: taskId,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299) return reject(new Error(`${method} ${path} answered ${status}`));
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WorkerStatus);
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      const deadline = setTimeout(() => outgoing.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
      outgoing.on('close', () => clearTimeout(deadline));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }
}
