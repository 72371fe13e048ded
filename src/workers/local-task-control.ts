import { Injectable } from '@nestjs/common';
import type { TaskRecord } from '../tasks/task';
import type { TaskControl } from '../tasks/task-control';
import type { ErrorInfo, WorkerStatus } from './worker-protocol';
import { WorkerSupervisor } from './worker-supervisor';

/** TaskControl for workers of this process. */
@Injectable()
export class LocalTaskControl implements TaskControl {
  constructor(private readonly supervisor: WorkerSupervisor) {}

  status(task: TaskRecord): Promise<WorkerStatus | null> {
    return this.supervisor.liveStatus(task.task_id);
  }

  control(task: TaskRecord, action: 'pause' | 'resume'): Promise<TaskRecord> {
    return this.supervisor.control(task, action);
  }

  terminate(task: TaskRecord, graceful: boolean, reason: ErrorInfo): Promise<TaskRecord> {
    return this.supervisor.terminate(task.task_id, graceful, reason);
  }
}
