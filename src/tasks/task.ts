/** The task record and the state machine every store and service obeys. */

export const TASK_STATUSES = [
  'queued',
  'starting',
  'running',
  'paused',
  'completed',
  'failed',
  'terminated',
  'cancelled',
  'timed_out',
  'interrupted',
] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  'completed',
  'failed',
  'terminated',
  'cancelled',
  'timed_out',
  'interrupted',
];

/** States in which a worker process exists for the task. */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ['starting', 'running', 'paused'];

// Back to `queued` only when the node running a retry-safe task died (shared mode).
const ALLOWED: Record<TaskStatus, readonly TaskStatus[]> = {
  queued: ['starting', 'cancelled'],
  starting: ['running', 'failed', 'terminated', 'timed_out', 'interrupted', 'queued'],
  running: ['paused', 'completed', 'failed', 'terminated', 'timed_out', 'interrupted', 'queued'],
  paused: ['running', 'completed', 'failed', 'terminated', 'timed_out', 'interrupted', 'queued'],
  completed: [],
  failed: [],
  terminated: [],
  cancelled: [],
  timed_out: [],
  interrupted: [],
};

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Every state from which `to` may be entered: the guard of an atomic conditional update. */
export function sourcesOf(to: TaskStatus): TaskStatus[] {
  return TASK_STATUSES.filter((from) => ALLOWED[from].includes(to));
}

export interface TaskError {
  code: string;
  message: string;
}

export interface TaskRecord {
  task_id: string;
  task_type: string;
  status: TaskStatus;
  task_data: Record<string, unknown>;
  priority: number;
  timeout_ms: number;
  progress: number;
  progress_info: Record<string, unknown> | null;
  result: unknown;
  error: TaskError | null;
  attempts: number;
  /** Control server of the worker, `127.0.0.1:PORT`, while one runs the task. */
  worker_server: string | null;
  /** Pid of the worker process that ran (or runs) the task. */
  worker: number | null;
  /** The node whose worker ran (or runs) the task. */
  node: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Fields a transition may set alongside the new status. */
export type TaskPatch = Partial<
  Pick<
    TaskRecord,
    | 'result'
    | 'error'
    | 'worker_server'
    | 'worker'
    | 'node'
    | 'started_at'
    | 'finished_at'
    | 'attempts'
    | 'progress'
    | 'progress_info'
  >
>;
