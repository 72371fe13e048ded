/**
 * Messages over the IPC channel between the supervisor and a worker process.
 * One type per direction; a receiver drops anything it does not recognise.
 *
 * A worker's life: `online` -> (boot) -> `ready` with its control port, then
 * for each task: (start) -> progress... -> one outcome. After `completed` the
 * worker takes the next task (unless it is spent); after the other outcomes it
 * is recycled.
 */

export interface TaskAssignment {
  task_id: string;
  task_type: string;
  task_data: Record<string, unknown>;
  /** Compiled module of the task type's handler, chosen by the supervisor from its registry. */
  module: string;
  max_result_bytes: number;
}

/** Supervisor -> worker. */
export type SupervisorMessage =
  | {
      type: 'boot';
      /** Secret the control server demands on every request; it only ever travels over IPC. */
      token: string;
      /** WORKER_NICE: the handler threads' nice value; the control thread keeps the service's. */
      nice: number;
    }
  | { type: 'start'; task: TaskAssignment };

export interface ErrorInfo {
  code: string;
  message: string;
}

/** Worker -> supervisor. */
export type WorkerMessage =
  | { type: 'online' }
  | { type: 'ready'; port: number }
  | { type: 'progress'; progress: number; info: Record<string, unknown> | null }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'log'; message: string }
  /**
   * The task's result; the worker can take another task, unless `spent` says
   * why it cannot (the task left behind what cannot be undone). It tells its
   * peak RSS, so the pool can recycle a bloated process without reading /proc.
   */
  | { type: 'completed'; result: unknown; peak_rss_bytes: number; spent: string | null }
  | { type: 'failed'; error: ErrorInfo }
  | { type: 'aborted' };

const WORKER_MESSAGE_TYPES = new Set<WorkerMessage['type']>([
  'online', 'ready', 'progress', 'paused', 'resumed', 'log', 'completed', 'failed', 'aborted',
]);

function hasType(message: unknown): message is { type: unknown } {
  return typeof message === 'object' && message !== null && 'type' in message;
}

export function parseWorkerMessage(message: unknown): WorkerMessage | null {
  if (!hasType(message) || !WORKER_MESSAGE_TYPES.has(message.type as WorkerMessage['type'])) return null;
  const m = message as WorkerMessage;
  switch (m.type) {
    case 'ready':
      return Number.isInteger(m.port) && m.port > 0 ? m : null;
    case 'progress':
      return typeof m.progress === 'number' && Number.isFinite(m.progress) ? m : null;
    case 'log':
      return typeof m.message === 'string' ? m : null;
    case 'failed':
      return typeof m.error?.message === 'string' && typeof m.error?.code === 'string' ? m : null;
    case 'completed':
      return Number.isFinite(m.peak_rss_bytes) && (m.spent === null || typeof m.spent === 'string') ? m : null;
    default:
      return m;
  }
}

export function parseSupervisorMessage(message: unknown): SupervisorMessage | null {
  if (!hasType(message)) return null;
  const m = message as SupervisorMessage;
  switch (m.type) {
    case 'boot':
      return typeof m.token === 'string' && m.token.length > 0 && Number.isInteger(m.nice) ? m : null;
    case 'start':
      return typeof m.task?.task_id === 'string' && typeof m.task?.module === 'string' ? m : null;
    default:
      return null;
  }
}

/** Header that carries the worker's token on control requests. */
export const WORKER_TOKEN_HEADER = 'x-worker-token';
/**
 * Header that names the task a control request is about. A worker serves
 * tasks one after another: a request sent as one task ends may reach the
 * worker as the next begins, and must not pause, stop or describe that one.
 */
export const WORKER_TASK_HEADER = 'x-worker-task';

/** What a worker's `GET /status` answers. */
export interface WorkerStatus {
  task_id: string;
  task_type: string;
  pid: number;
  state: 'running' | 'pausing' | 'paused' | 'terminating';
  progress: number;
  progress_info: Record<string, unknown> | null;
  paused: boolean;
  rss_bytes: number;
  cpu_time_ms: { user: number; system: number };
  uptime_s: number;
}
