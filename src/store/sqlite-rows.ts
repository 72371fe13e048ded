// How a task record is kept in a row of the `tasks` table, and read back.
import type { TaskPatch, TaskRecord, TaskStatus } from '../tasks/task';

const JSON_COLUMNS = new Set(['task_data', 'progress_info', 'result', 'error']);
const PATCHABLE = new Set<keyof TaskPatch>([
  'result', 'error', 'worker_server', 'worker', 'node', 'started_at', 'finished_at', 'attempts', 'progress', 'progress_info',
]);

export type Row = Record<string, unknown>;

/** Sorted, so each distinct patch shape maps to one prepared statement. */
export function patchKeys(patch: TaskPatch): (keyof TaskPatch)[] {
  return (Object.keys(patch) as (keyof TaskPatch)[]).filter((k) => PATCHABLE.has(k) && patch[k] !== undefined).sort();
}

export function patchValues(keys: (keyof TaskPatch)[], patch: TaskPatch): unknown[] {
  return keys.map((k) => (JSON_COLUMNS.has(k) ? jsonOrNull(patch[k]) : patch[k]));
}

export function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : null;
}

export function toRecord(row: Row): TaskRecord {
  return {
    task_id: row.task_id as string,
    task_type: row.task_type as string,
    status: row.status as TaskStatus,
    task_data: parseJson(row.task_data) as Record<string, unknown>,
    priority: row.priority as number,
    timeout_ms: row.timeout_ms as number,
    progress: row.progress as number,
    progress_info: parseJson(row.progress_info) as Record<string, unknown> | null,
    result: parseJson(row.result),
    error: parseJson(row.error) as TaskRecord['error'],
    attempts: row.attempts as number,
    worker_server: (row.worker_server as string | null) ?? null,
    worker: (row.worker as number | null) ?? null,
    node: (row.node as string | null) ?? null,
    created_at: row.created_at as string,
    started_at: (row.started_at as string | null) ?? null,
    finished_at: (row.finished_at as string | null) ?? null,
  };
}
