import type Redis from 'ioredis';
import { ACTIVE_STATUSES, isTerminal, TASK_STATUSES, type TaskPatch, type TaskRecord, type TaskStatus } from '../tasks/task';
import { InvalidCursorError, StoreUnavailableError } from '../tasks/task-errors';
import { CLAIM_NEXT, INSERT, PRUNE, SET_PROGRESS, TRANSITION } from './redis-task-scripts';
import { decodeCursor, encodeCursor } from './task-cursor';
import type { NewTask, TaskListQuery, TaskPage, TaskStore } from './task-store';

const JSON_FIELDS = new Set(['task_data', 'progress_info', 'result', 'error']);
const NUMBER_FIELDS = new Set(['priority', 'timeout_ms', 'progress', 'attempts', 'worker', 'seq']);
const PATCHABLE = new Set<keyof TaskPatch>([
  'result', 'error', 'worker_server', 'worker', 'node', 'started_at', 'finished_at', 'attempts', 'progress', 'progress_info',
]);
const PRUNE_BATCH = 500;

type Script = 'ntrInsert' | 'ntrTransition' | 'ntrClaimNext' | 'ntrSetProgress' | 'ntrPrune';
type ScriptClient = Redis & Record<Script, (...args: (string | number)[]) => Promise<unknown>>;

/**
 * The shared store: task records in Redis next to BullMQ's jobs, so every node
 * sees the same tasks. Status changes run as Lua scripts, atomic like SQL
 * transactions. With a fail-fast client, an unreachable Redis surfaces as
 * StoreUnavailableError instead of a request that hangs.
 */
export class RedisTaskStore implements TaskStore {
  private readonly redis: ScriptClient;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly ownsClient = true,
  ) {
    this.redis = redis as ScriptClient;
    const scripts: [Script, string][] = [
      ['ntrInsert', INSERT],
      ['ntrTransition', TRANSITION],
      ['ntrClaimNext', CLAIM_NEXT],
      ['ntrSetProgress', SET_PROGRESS],
      ['ntrPrune', PRUNE],
    ];
    for (const [name, lua] of scripts) if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }

  async insert(task: NewTask, maxQueued = Infinity): Promise<TaskRecord | null> {
    return (await this.insertMany([task], maxQueued))?.[0] ?? null;
  }

  async insertMany(tasks: readonly NewTask[], maxQueued = Infinity): Promise<TaskRecord[] | null> {
    const limit = Number.isFinite(maxQueued) ? maxQueued : -1;
    const args = tasks.flatMap((task) => {
      const fields = toFields(task);
      return [task.task_id, fields.length / 2, ...fields];
    });
    const hashes = await this.call(() => this.redis.ntrInsert(this.prefix, limit, ...args));
    return hashes === 0 ? null : (hashes as string[][]).map((hash) => toRecord(hash));
  }

  async get(taskId: string): Promise<TaskRecord | null> {
    const hash = await this.call(() => this.redis.hgetall(this.key(taskId)));
    return Object.keys(hash).length ? toRecord(hash) : null;
  }

  async list(query: TaskListQuery): Promise<TaskPage> {
    const max = query.cursor === undefined ? '+inf' : `(${decodeCursor(query.cursor)}`;
    const ids = await this.call(() =>
      this.redis.zrevrangebyscore(this.indexOf(query), max, '-inf', 'WITHSCORES', 'LIMIT', 0, query.limit + 1),
    );
    const entries: { id: string; seq: number }[] = [];
    for (let i = 0; i < ids.length; i += 2) entries.push({ id: ids[i], seq: Number(ids[i + 1]) });
    const more = entries.length > query.limit;
    const page = more ? entries.slice(0, query.limit) : entries;
    return {
      tasks: await this.getMany(page.map((e) => e.id)),
      next_cursor: more ? encodeCursor(page[page.length - 1].seq) : null,
    };
  }

  async transition(taskId: string, from: readonly TaskStatus[], to: TaskStatus, patch: TaskPatch = {}, attempt?: number): Promise<TaskRecord | null> {
    return recordOrNull(await this.move(taskId, from, to, patch, 0, attempt, false));
  }

  async tryTransition(taskId: string, from: readonly TaskStatus[], to: TaskStatus, patch: TaskPatch = {}, attempt?: number): Promise<boolean> {
    return (await this.move(taskId, from, to, patch, 0, attempt, true)) === 1;
  }

  async claim(taskId: string, patch: TaskPatch = {}): Promise<TaskRecord | null> {
    return recordOrNull(await this.move(taskId, ['queued'], 'starting', patch, 1, undefined, false));
  }

  async setProgress(taskId: string, progress: number, info: Record<string, unknown> | null, attempt?: number): Promise<void> {
    await this.call(() => this.redis.ntrSetProgress(this.prefix, taskId, progress, info ? JSON.stringify(info) : '', attempt ?? ''));
  }

  async claimNext(): Promise<TaskRecord | null> {
    return recordOrNull(await this.call(() => this.redis.ntrClaimNext(this.prefix)));
  }

  async countByStatus(): Promise<Partial<Record<TaskStatus, number>>> {
    const pipeline = this.redis.pipeline();
    for (const status of TASK_STATUSES) pipeline.zcard(`${this.prefix}:status:${status}`);
    const counts = (await this.call(() => pipeline.exec()))!.map(([, n]) => n as number);
    return Object.fromEntries(TASK_STATUSES.map((s, i) => [s, counts[i]]).filter(([, n]) => (n as number) > 0));
  }

  async countQueued(): Promise<number> {
    return this.call(() => this.redis.zcard(`${this.prefix}:status:queued`));
  }

  async listActive(): Promise<TaskRecord[]> {
    const pipeline = this.redis.pipeline();
    for (const status of ACTIVE_STATUSES) pipeline.zrange(`${this.prefix}:status:${status}`, 0, -1);
    const ids = (await this.call(() => pipeline.exec()))!.flatMap(([, members]) => members as string[]);
    const tasks = await this.getMany(ids);
    return tasks.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async interruptActive(reason: string, finishedAt: string): Promise<number> {
    let count = 0;
    for (const task of await this.listActive()) {
      const patch = { error: { code: 'INTERRUPTED', message: reason }, finished_at: finishedAt, worker_server: null };
      if (await this.transition(task.task_id, ACTIVE_STATUSES, 'interrupted', patch)) count++;
    }
    return count;
  }

  async pruneFinished(finishedBefore: string): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await this.call(() => this.redis.ntrPrune(this.prefix, Date.parse(finishedBefore), PRUNE_BATCH))) as number;
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }

  async checkWritable(): Promise<void> {
    await this.call(() => this.redis.set(`${this.prefix}:health`, new Date().toISOString(), 'PX', 60000));
  }

  /** Redis has applied a write when it answers: there is no group to wait for. */
  writeMark(): number {
    return 0;
  }

  async durable(): Promise<void> {}

  async close(): Promise<void> {
    if (this.ownsClient) this.redis.disconnect();
  }

  /** The script's answer: the updated hash, 1 instead when `brief`, or null when nothing changed. */
  private async move(taskId: string, from: readonly TaskStatus[], to: TaskStatus, patch: TaskPatch, bump: number, attempt: number | undefined, brief: boolean): Promise<unknown> {
    const set: string[] = [];
    const unset: string[] = [];
    for (const [field, value] of Object.entries(patch)) {
      if (!PATCHABLE.has(field as keyof TaskPatch)) continue;
      if (value === null || value === undefined) unset.push(field);
      else set.push(field, encode(field, value));
    }
    const finishedMs = patch.finished_at ? Date.parse(patch.finished_at) : NaN;
    const finished = isTerminal(to) && Number.isFinite(finishedMs) ? String(finishedMs) : '';
    const args = [this.prefix, taskId, to, finished, bump, attempt ?? '', brief ? '1' : '', from.length, ...from, set.length / 2, ...set, ...unset];
    return this.call(() => this.redis.ntrTransition(...args));
  }

  private async getMany(ids: string[]): Promise<TaskRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.key(id));
    const hashes = (await this.call(() => pipeline.exec()))!.map(([, hash]) => hash as Record<string, string>);
    // A task pruned between the index read and this one is simply left out.
    return hashes.filter((hash) => Object.keys(hash).length > 0).map(toRecord);
  }

  private indexOf(query: TaskListQuery): string {
    if (query.status && query.task_type) return `${this.prefix}:status-type:${query.status}:${query.task_type}`;
    if (query.status) return `${this.prefix}:status:${query.status}`;
    if (query.task_type) return `${this.prefix}:type:${query.task_type}`;
    return `${this.prefix}:all`;
  }

  private key(taskId: string): string {
    return `${this.prefix}:task:${taskId}`;
  }

  /** Connection trouble becomes StoreUnavailableError; a script error stays a bug. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if ((error as Error).name === 'ReplyError' || error instanceof InvalidCursorError) throw error;
      throw new StoreUnavailableError((error as Error).message);
    }
  }
}

function encode(field: string, value: unknown): string {
  return JSON_FIELDS.has(field) ? JSON.stringify(value) : String(value);
}

function toFields(task: NewTask): string[] {
  return Object.entries(task).flatMap(([field, value]) => [field, encode(field, value)]);
}

/** A script's answer: the task's hash as a flat list, or nil when nothing applied. */
function recordOrNull(answer: unknown): TaskRecord | null {
  return answer ? toRecord(answer as string[]) : null;
}

function toRecord(source: string[] | Record<string, string>): TaskRecord {
  const hash: Record<string, string> = Array.isArray(source) ? {} : source;
  if (Array.isArray(source)) for (let i = 0; i < source.length; i += 2) hash[source[i]] = source[i + 1];
  const field = (name: string): unknown => {
    const raw = hash[name];
    if (raw === undefined) return null;
    if (JSON_FIELDS.has(name)) return JSON.parse(raw);
    return NUMBER_FIELDS.has(name) ? Number(raw) : raw;
  };
  return {
    task_id: hash.task_id,
    task_type: hash.task_type,
    status: hash.status as TaskStatus,
    task_data: field('task_data') as Record<string, unknown>,
    priority: field('priority') as number,
    timeout_ms: field('timeout_ms') as number,
    progress: field('progress') as number,
    progress_info: field('progress_info') as Record<string, unknown> | null,
    result: field('result'),
    error: field('error') as TaskRecord['error'],
    attempts: field('attempts') as number,
    worker_server: field('worker_server') as string | null,
    worker: field('worker') as number | null,
    node: field('node') as string | null,
    created_at: hash.created_at,
    started_at: field('started_at') as string | null,
    finished_at: field('finished_at') as string | null,
  };
}
