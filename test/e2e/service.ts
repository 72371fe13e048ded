import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const FIXTURES_DIR = join(ROOT, 'test', 'fixtures');
export const EXAMPLES_DIR = join(ROOT, 'examples', 'task-types');

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The real service, compiled (`npm run build`), in its own process on an OS-chosen port. */
export class Service {
  private output = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  baseUrl = '';

  /** `launcher`: a command that runs the service, e.g. with fewer privileges (`setpriv ...`); the service's pid stays its own. */
  static async start(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'ntr-e2e-')), launcher: string[] = []): Promise<Service> {
    const service = Service.spawn(env, dataDir, launcher);
    const port = await service.waitForLog(/listening on http:\/\/[^:]+:(\d+)/, 20000);
    service.baseUrl = `http://127.0.0.1:${port[1]}`;
    return service;
  }

  /** A shared-mode worker node (ROLE=worker): no HTTP; ready once it takes tasks. */
  static async startWorkerNode(env: Record<string, string>): Promise<Service> {
    const service = Service.spawn({ ...env, QUEUE: 'bullmq', ROLE: 'worker' }, mkdtempSync(join(tmpdir(), 'ntr-e2e-')));
    const node = await service.waitForLog(/worker node (\S+) started/, 20000);
    service.node = node[1];
    return service;
  }

  /** The node id a worker node logged at start. */
  node = '';

  private static spawn(env: Record<string, string>, dataDir: string, launcher: string[] = []): Service {
    const [command, ...args] = [...launcher, process.execPath, join(ROOT, 'dist', 'main.js')];
    const child = spawn(command, args, {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, NO_COLOR: '1', TASKS_DIR: FIXTURES_DIR, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Service(child, dataDir);
  }

  /** Starts the service expecting it to refuse to start; resolves with its exit code and output. */
  static async startFailing(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ntr-e2e-'));
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new Service(child, dataDir);
    const { code } = await service.exited;
    service.cleanup();
    return { code, output: service.output };
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  async waitForLog(pattern: RegExp, timeoutMs = 10000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`no log line ${pattern} within ${timeoutMs} ms; log:\n${this.output.slice(-3000)}`);
      await sleep(25);
    }
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  async submit(task_type: string, task_data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<any> {
    const reply = await this.request('POST', '/tasks', { task_type, task_data, ...extra });
    if (reply.status !== 201) throw new Error(`submit answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  async task(taskId: string): Promise<any> {
    return (await this.request('GET', `/tasks/${taskId}`)).body;
  }

  /** Polls the task until `until` holds; returns the record that satisfied it. */
  async waitForTask(taskId: string, until: (task: any) => boolean, timeoutMs = 15000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await this.task(taskId);
      if (until(task)) return task;
      if (Date.now() > deadline) throw new Error(`task ${taskId} did not reach the expected state; last: ${JSON.stringify(task)}`);
      await sleep(20);
    }
  }

  waitForStatus(taskId: string, status: string, timeoutMs?: number): Promise<any> {
    return this.waitForTask(taskId, (t) => t.status === status, timeoutMs);
  }

  /** Sends a signal and resolves with how the process ended once it has. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  cleanup(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reaped: not even a zombie entry is left. Only meaningful while the parent lives. */
export function processGone(pid: number): boolean {
  return !existsSync(`/proc/${pid}`);
}

/** Alive and not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}
