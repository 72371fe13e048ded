import type Database from 'better-sqlite3';
import { ACTIVE_STATUSES, TERMINAL_STATUSES, type TaskPatch, type TaskRecord, type TaskStatus } from '../tasks/task';
import { GroupCommit } from './group-commit';
import { jsonOrNull, patchKeys, patchValues, toRecord, type Row } from './sqlite-rows';
import { openTaskDatabase } from './sqlite-schema';
import { decodeCursor, encodeCursor } from './task-cursor';
import type { NewTask, TaskListQuery, TaskPage, TaskStore } from './task-store';

/** The condition that limits a write to one attempt of the task, when one is named. */
function onAttempt(attempt: number | undefined): { sql: string; args: number[] } {
  return attempt === undefined ? { sql: '', args: [] } : { sql: ' AND attempts = ?', args: [attempt] };
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/**
 * The embedded store: one SQLite file in WAL mode. Every write is atomic, and
 * the writes of one event-loop turn commit together (see GroupCommit).
 */
export class SqliteTaskStore implements TaskStore {
  private readonly db: Database.Database;
  private readonly commits: GroupCommit;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly insertTransaction: Database.Transaction<(tasks: readonly NewTask[], maxQueued: number) => TaskRecord[] | null>;

  constructor(file: string) {
    this.db = openTaskDatabase(file);
    this.commits = new GroupCommit(this.db);
    this.insertTransaction = this.db.transaction(this.insertWithin);
  }

  async insert(task: NewTask, maxQueued = Infinity): Promise<TaskRecord | null> {
    return (await this.insertMany([task], maxQueued))?.[0] ?? null;
  }

  async insertMany(tasks: readonly NewTask[], maxQueued = Infinity): Promise<TaskRecord[] | null> {
    return this.commits.write(() => this.insertTransaction(tasks, maxQueued));
  }

  /** Count and insert as one step (a savepoint within the turn's transaction): all the tasks or none. */
  private readonly insertWithin = (tasks: readonly NewTask[], maxQueued: number): TaskRecord[] | null => {
    if (Number.isFinite(maxQueued) && this.countQueuedSync() + tasks.length > maxQueued) return null;
    const insert = this.statement(
      `INSERT INTO tasks (task_id, task_type, status, task_data, priority, timeout_ms, created_at)
       VALUES (?, ?, 'queued', ?, ?, ?, ?) RETURNING *`,
    );
    return tasks.map((task) =>
      toRecord(insert.get(task.task_id, task.task_type, JSON.stringify(task.task_data), task.priority, task.timeout_ms, task.created_at) as Row),
    );
  };

  async get(taskId: string): Promise<TaskRecord | null> {
    const row = this.statement('SELECT * FROM tasks WHERE task_id = ?').get(taskId);
    return row ? toRecord(row as Row) : null;
  }

  async list(query: TaskListQuery): Promise<TaskPage> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.status) (where.push('status = ?'), args.push(query.status));
    if (query.task_type) (where.push('task_type = ?'), args.push(query.task_type));
    if (query.cursor !== undefined) (where.push('seq < ?'), args.push(decodeCursor(query.cursor)));
    const sql =
      `SELECT * FROM tasks ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ` +
      'ORDER BY seq DESC LIMIT ?';
    const rows = this.statement(sql).all(...args, query.limit + 1) as Row[];
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    return {
      tasks: page.map(toRecord),
      next_cursor: more ? encodeCursor(page[page.length - 1].seq as number) : null,
    };
  }

  async transition(
    taskId: string,
    from: readonly TaskStatus[],
    to: TaskStatus,
    patch: TaskPatch = {},
    attempt?: number,
  ): Promise<TaskRecord | null> {
    const { sql, args } = this.transitionSql(taskId, from, to, patch, attempt);
    const statement = this.statement(`${sql} RETURNING *`);
    return this.commits.write(() => {
      const row = statement.get(...args);
      return row ? toRecord(row as Row) : null;
    });
  }

  async tryTransition(taskId: string, from: readonly TaskStatus[], to: TaskStatus, patch: TaskPatch = {}, attempt?: number): Promise<boolean> {
    const { sql, args } = this.transitionSql(taskId, from, to, patch, attempt);
    const statement = this.statement(sql);
    return this.commits.write(() => statement.run(...args).changes > 0);
  }

  private transitionSql(taskId: string, from: readonly TaskStatus[], to: TaskStatus, patch: TaskPatch, attempt: number | undefined) {
    const keys = patchKeys(patch);
    const sets = ['status = ?', ...keys.map((k) => `${k} = ?`)].join(', ');
    const guard = onAttempt(attempt);
    return {
      sql: `UPDATE tasks SET ${sets} WHERE task_id = ? AND status IN (${placeholders(from)})${guard.sql}`,
      args: [to, ...patchValues(keys, patch), taskId, ...from, ...guard.args],
    };
  }

  async setProgress(taskId: string, progress: number, info: Record<string, unknown> | null, attempt?: number): Promise<void> {
    const guard = onAttempt(attempt);
    const statement = this.statement(`UPDATE tasks SET progress = ?, progress_info = ? WHERE task_id = ? AND status IN ('running', 'paused')${guard.sql}`);
    this.commits.write(() => statement.run(progress, jsonOrNull(info), taskId, ...guard.args));
  }

  async claim(taskId: string, patch: TaskPatch = {}): Promise<TaskRecord | null> {
    const keys = patchKeys(patch).filter((k) => k !== 'attempts');
    const sets = [`status = 'starting'`, 'attempts = attempts + 1', ...keys.map((k) => `${k} = ?`)].join(', ');
    const statement = this.statement(`UPDATE tasks SET ${sets} WHERE task_id = ? AND status = 'queued' RETURNING *`);
    return this.commits.write(() => {
      const row = statement.get(...patchValues(keys, patch), taskId);
      return row ? toRecord(row as Row) : null;
    });
  }

  async claimNext(): Promise<TaskRecord | null> {
    // One statement picks and marks: SQLite runs it under the write lock, so two claimers never get the same task.
    // Left to itself the planner sorts every queued row on each claim; the queue index hands over the first.
    const statement = this.statement(
      `UPDATE tasks SET status = 'starting', attempts = attempts + 1
       WHERE seq = (SELECT seq FROM tasks INDEXED BY tasks_queue WHERE status = 'queued' ORDER BY priority DESC, seq ASC LIMIT 1)
       RETURNING *`,
    );
    return this.commits.write(() => {
      const row = statement.get() as Row | undefined;
      return row ? toRecord(row) : null;
    });
  }

  async countByStatus(): Promise<Partial<Record<TaskStatus, number>>> {
    const rows = this.statement('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status').all() as {
      status: TaskStatus;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async countQueued(): Promise<number> {
    return this.countQueuedSync();
  }

  private countQueuedSync(): number {
    return (this.statement('SELECT queued FROM queue_depth WHERE id = 1').get() as { queued: number }).queued;
  }

  async listActive(): Promise<TaskRecord[]> {
    const rows = this.statement(`SELECT * FROM tasks WHERE status IN (${placeholders(ACTIVE_STATUSES)}) ORDER BY seq`)
      .all(...ACTIVE_STATUSES) as Row[];
    return rows.map(toRecord);
  }

  async interruptActive(reason: string, finishedAt: string): Promise<number> {
    const error = JSON.stringify({ code: 'INTERRUPTED', message: reason });
    const statement = this.statement(
      `UPDATE tasks SET status = 'interrupted', error = ?, finished_at = ?, worker_server = NULL
       WHERE status IN (${placeholders(ACTIVE_STATUSES)})`,
    );
    return this.commits.write(() => statement.run(error, finishedAt, ...ACTIVE_STATUSES).changes);
  }

  async pruneFinished(finishedBefore: string): Promise<number> {
    const statement = this.statement(
      `DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?
       AND status IN (${placeholders(TERMINAL_STATUSES)})`,
    );
    return this.commits.write(() => statement.run(finishedBefore, ...TERMINAL_STATUSES).changes);
  }

  async checkWritable(): Promise<void> {
    const statement = this.statement(
      'INSERT INTO health (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
    );
    const since = this.commits.mark();
    this.commits.write(() => statement.run(new Date().toISOString()));
    // Writable means committable: a full disk shows at the commit.
    await this.commits.durable(since);
  }

  writeMark(): number {
    return this.commits.mark();
  }

  durable(since: number): Promise<void> {
    return this.commits.durable(since);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commits.commit();
    this.db.close();
  }

  /** Prepared once per distinct SQL text: every hot path reuses its statement. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}
