import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_BUNDLE } from '../worker-app/bundle-files';
import { parseWorkerMessage, type SupervisorMessage, type WorkerMessage } from './worker-protocol';

const WORKER_APP = join(__dirname, '..', 'worker-app');
/** `boot.js` runs the bundles, the control thread's with a V8 code cache. */
export const WORKER_ENTRY = existsSync(join(WORKER_APP, WORKER_BUNDLE)) ? join(WORKER_APP, 'boot.js') : join(WORKER_APP, 'main.js');

/**
 * None of the service's own (a worker does not inherit `--inspect`, say). Not
 * `--expose-gc` either: under it V8 refuses Node's code cache for its own
 * modules, and each worker thread compiled them from source (full-collection.ts).
 */
const WORKER_EXEC_ARGV: string[] = [];

/**
 * The service's environment, less the names the operator keeps from handlers
 * (`WORKER_ENV_EXCLUDE`): secrets, or `NODE_EXTRA_CA_CERTS`, which Node 20
 * reads and parses whole as every process starts (README, Performance).
 *
 * glibc gives each thread that allocates an arena of its own, and keeps what
 * was freed there: after its first tasks a worker held about 3 MB in the
 * arenas of V8's compiler threads. In one arena, shared by the worker's few
 * threads, it holds about 2 MB less. The operator's own setting wins.
 */
export function workerEnv(env: NodeJS.ProcessEnv = process.env, exclude: readonly string[] = []): NodeJS.ProcessEnv {
  const kept = { ...env };
  for (const name of exclude) delete kept[name];
  kept.MALLOC_ARENA_MAX ??= '1';
  return kept;
}

export interface WorkerForkSettings {
  /** Names of the service's environment variables a worker does not get. */
  envExclude?: readonly string[];
  /** Node options; none of the service's by default. */
  execArgv?: string[];
}

/**
 * How a worker is forked, for the pool and for whatever boots one the same
 * way (the benchmark, the boot tests). Results are JSON when stored anyway,
 * and JSON, the default serialization, costs the fewest microseconds per message.
 */
export function workerForkOptions({ envExclude = [], execArgv = WORKER_EXEC_ARGV }: WorkerForkSettings = {}): ForkOptions {
  return { execArgv, env: workerEnv(process.env, envExclude), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcessEvents {
  message(message: WorkerMessage): void;
  /** After the process has exited and its IPC channel has closed: every message came before this. */
  exit(exit: WorkerExit): void;
}

/** The part of ChildProcess a WorkerProcess uses; tests may pass an EventEmitter that behaves alike. */
export type ChildLike = Pick<ChildProcess, 'pid' | 'connected' | 'send' | 'kill' | 'on'>;

/** One worker child: its pid, typed messages both ways, kills with escalation, and its exit. */
export class WorkerProcess {
  readonly startedAt = Date.now();
  private exitInfo: WorkerExit | null = null;
  private escalation: NodeJS.Timeout | null = null;

  constructor(
    private readonly child: ChildLike,
    events: WorkerProcessEvents,
  ) {
    child.on('message', (raw) => {
      const message = parseWorkerMessage(raw);
      if (message) events.message(message);
    });
    // 'close', not 'exit': it fires once stdio and the IPC channel are drained.
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.escalation) clearTimeout(this.escalation);
      this.exitInfo = { code, signal };
      events.exit(this.exitInfo);
    });
    child.on('error', () => {
      // A failed send or kill on a dead child; 'close' reports the end.
    });
  }

  static fork(events: WorkerProcessEvents, settings: WorkerForkSettings = {}): WorkerProcess {
    const child = fork(WORKER_ENTRY, [], workerForkOptions(settings));
    return new WorkerProcess(child, events);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return this.exitInfo !== null;
  }

  send(message: SupervisorMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** SIGKILL unless the process has exited within `graceMs`. */
  killAfter(graceMs: number): void {
    if (this.exited || this.escalation) return;
    this.escalation = setTimeout(() => this.kill(), graceMs);
    this.escalation.unref();
  }

  /** Resident memory from /proc (Linux); null where that is not available. */
  rssBytes(): number | null {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : null;
    } catch {
      return null;
    }
  }
}
