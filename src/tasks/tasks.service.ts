import { Inject, Injectable } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app-config';
import { TASK_STORE, type NewTask, type TaskPage, type TaskStore } from '../store/task-store';
import { TaskTypeRegistry } from '../task-types/task-type-registry';
import type { WorkerStatus } from '../workers/worker-protocol';
import type { ControlAction } from './dto/control-task.dto';
import type { CreateTaskDto } from './dto/create-task.dto';
import type { ListTasksQueryDto } from './dto/task-queries.dto';
import { isTerminal, type TaskRecord } from './task';
import { newTaskId } from './task-id';
import { TASK_CONTROL, type TaskControl } from './task-control';
import {
  BatchOverQueueLimitError, DomainError, InvalidBatchError, InvalidTransitionError, QueueFullError, ShuttingDownError, TaskNotFoundError,
  type BatchItemProblem,
} from './task-errors';
import { TASK_QUEUE, type TaskQueue } from './task-queue';

/** Suggested wait before retrying a refused submission. */
const QUEUE_FULL_RETRY_AFTER_S = 5;

@Injectable()
export class TasksService {
  constructor(
    @Inject(TASK_STORE) private readonly store: TaskStore,
    @Inject(TASK_QUEUE) private readonly queue: TaskQueue,
    @Inject(TASK_CONTROL) private readonly workers: TaskControl,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly registry: TaskTypeRegistry,
  ) {}

  async create(request: CreateTaskDto): Promise<TaskRecord> {
    if (!this.queue.accepting) throw new ShuttingDownError();
    const [task] = await this.submit([this.prepare(request)]);
    return task;
  }

  /** Stores and queues every task of the batch, or none: each item is checked before anything is stored. */
  async createMany(requests: CreateTaskDto[]): Promise<{ tasks: TaskRecord[] }> {
    if (!this.queue.accepting) throw new ShuttingDownError();
    if (requests.length > this.config.maxQueued) throw new BatchOverQueueLimitError(requests.length, this.config.maxQueued);
    const tasks: NewTask[] = [];
    const problems: BatchItemProblem[] = [];
    requests.forEach((request, index) => {
      try {
        tasks.push(this.prepare(request));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        problems.push({ index, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
      }
    });
    if (problems.length > 0) throw new InvalidBatchError(problems);
    return { tasks: await this.submit(tasks) };
  }

  /** The task as it will be stored: its input checked against its type, its defaults applied. */
  private prepare(request: CreateTaskDto): NewTask {
    return {
      task_id: newTaskId(),
      task_type: request.task_type,
      task_data: this.registry.parseInput(request.task_type, request.task_data ?? {}),
      priority: request.priority ?? 0,
      timeout_ms: request.timeout_ms ?? this.registry.timeoutOf(request.task_type),
      created_at: new Date().toISOString(),
    };
  }

  private async submit(tasks: NewTask[]): Promise<TaskRecord[]> {
    const stored = await this.store.insertMany(tasks, this.config.maxQueued);
    if (!stored) throw new QueueFullError(this.config.maxQueued, QUEUE_FULL_RETRY_AFTER_S, tasks.length);
    try {
      await this.queue.enqueue(stored);
    } catch (error) {
      // The client hears 503 and may retry: the stored copies must not run as well.
      const cancelled = { error: { code: 'ENQUEUE_FAILED', message: 'the queue could not take the task' }, finished_at: new Date().toISOString() };
      await Promise.all(stored.map((task) => this.store.transition(task.task_id, ['queued'], 'cancelled', cancelled).catch(() => undefined)));
      throw error;
    }
    return stored;
  }

  list(query: ListTasksQueryDto): Promise<TaskPage> {
    return this.store.list(query);
  }

  async get(taskId: string, detail: boolean): Promise<TaskRecord & { worker_status?: WorkerStatus | null }> {
    const task = await this.require(taskId);
    if (!detail) return task;
    const live = isTerminal(task.status) ? null : await this.workers.status(task);
    // The worker may have finished while we asked: show the record as it is now.
    return { ...(live ? task : await this.require(taskId)), worker_status: live };
  }

  async control(taskId: string, action: ControlAction): Promise<TaskRecord> {
    const task = await this.require(taskId);
    // Repeats go to the worker too: a resume must cancel a pause that has not parked yet.
    if (task.status !== 'running' && task.status !== 'paused') throw new InvalidTransitionError(taskId, task.status, action);
    return this.workers.control(task, action);
  }

  /** Cancels a queued task, or terminates a started one (gracefully with `useHttp`). */
  async terminate(taskId: string, useHttp: boolean): Promise<TaskRecord> {
    const task = await this.require(taskId);
    if (isTerminal(task.status)) throw new InvalidTransitionError(taskId, task.status, 'terminate');
    if (task.status === 'queued') {
      const cancelled = await this.store.transition(taskId, ['queued'], 'cancelled', {
        error: { code: 'CANCELLED', message: 'cancelled before it started' },
        finished_at: new Date().toISOString(),
      });
      if (cancelled) {
        await this.queue.discard(taskId);
        return cancelled;
      }
    }
    // Started, or claimed by a worker meanwhile: terminate that.
    const current = await this.require(taskId);
    if (isTerminal(current.status)) throw new InvalidTransitionError(taskId, current.status, 'terminate');
    return this.workers.terminate(current, useHttp, {
      code: 'TERMINATED',
      message: useHttp ? 'terminated on request (graceful)' : 'terminated on request',
    });
  }

  private async require(taskId: string): Promise<TaskRecord> {
    const task = await this.store.get(taskId);
    if (!task) throw new TaskNotFoundError(taskId);
    return task;
  }
}
