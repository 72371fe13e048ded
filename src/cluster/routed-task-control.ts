import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app-config';
import { TASK_STORE, type TaskStore } from '../store/task-store';
import type { TaskRecord } from '../tasks/task';
import type { TaskControl } from '../tasks/task-control';
import { TaskNotFoundError } from '../tasks/task-errors';
import { LocalTaskControl } from '../workers/local-task-control';
import type { ErrorInfo, WorkerStatus } from '../workers/worker-protocol';
import { ControlBus, type ControlRequest } from './control-bus';
import { NodeRegistry } from './node-registry';

/**
 * TaskControl of the shared mode: a task on this node is controlled here; one
 * on another node through that node, over the control bus.
 */
@Injectable()
export class RoutedTaskControl implements TaskControl, OnModuleInit {
  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @Inject(TASK_STORE) private readonly store: TaskStore,
    private readonly local: LocalTaskControl,
    private readonly bus: ControlBus,
    private readonly nodes: NodeRegistry,
  ) {}

  onModuleInit(): void {
    this.bus.serve((request) => this.serve(request));
  }

  async status(task: TaskRecord): Promise<WorkerStatus | null> {
    if (!task.node) return null;
    if (task.node === this.config.nodeId) return this.local.status(task);
    try {
      return (await this.bus.request(task.node, { op: 'status', task_id: task.task_id })) as WorkerStatus | null;
    } catch {
      return null;
    }
  }

  async control(task: TaskRecord, action: 'pause' | 'resume'): Promise<TaskRecord> {
    if (!task.node || task.node === this.config.nodeId) return this.local.control(task, action);
    return (await this.bus.request(task.node, { op: 'control', task_id: task.task_id, action })) as TaskRecord;
  }

  async terminate(task: TaskRecord, graceful: boolean, reason: ErrorInfo): Promise<TaskRecord> {
    if (task.node && task.node !== this.config.nodeId && (await this.nodes.isAlive(task.node))) {
      return (await this.bus.request(task.node, { op: 'terminate', task_id: task.task_id, graceful, reason })) as TaskRecord;
    }
    // Here, or on a node that is gone: the local supervisor holds no worker for it, so it only changes the record.
    return this.local.terminate(task, graceful, reason);
  }

  /** Requests from other nodes for tasks on this one. */
  private async serve(request: ControlRequest): Promise<TaskRecord | WorkerStatus | null> {
    const task = await this.store.get(request.task_id);
    if (!task) throw new TaskNotFoundError(request.task_id);
    switch (request.op) {
      case 'status':
        return this.local.status(task);
      case 'control':
        return this.local.control(task, request.action);
      case 'terminate':
        return this.local.terminate(task, request.graceful, request.reason);
    }
  }
}
