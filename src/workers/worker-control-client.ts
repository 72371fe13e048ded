import { WORKER_TOKEN_HEADER, type WorkerStatus } from './worker-protocol';

const REQUEST_TIMEOUT_MS = 3000;

/** HTTP client of one worker's control server (loopback, token-protected). */
export class WorkerControlClient {
  constructor(
    private readonly port: number,
    private readonly token: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  status(): Promise<WorkerStatus> {
    return this.request('GET', '/status');
  }

  control(action: 'pause' | 'resume'): Promise<WorkerStatus> {
    return this.request('POST', '/control', { action });
  }

  terminate(): Promise<WorkerStatus> {
    return this.request('POST', '/terminate');
  }

  private async request(method: string, path: string, body?: unknown): Promise<WorkerStatus> {
    const response = await fetch(`http://${this.address}${path}`, {
      method,
      headers: { [WORKER_TOKEN_HEADER]: this.token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
    return (await response.json()) as WorkerStatus;
  }
}
