import type { TaskAssignment, WorkerMessage, WorkerStatus } from '../workers/worker-protocol';
import { RunFlags } from './run-flags';
import type { ControlToHandler, HandlerOutcome, HandlerRunData, HandlerToControl } from './thread-protocol';

/**
 * One task inside a worker process: runs its handler in a thread so this
 * thread (and the control server on it) stays free, and turns what the handler
 * does into messages for the supervisor.
 */
export class TaskRun {
  private readonly flags = new RunFlags();
  private readonly startedAt = Date.now();
  private progress = 0;
  private progressInfo: Record<string, unknown> | null = null;
  private parked = false;
  private finished = false;
  private readonly parkWaiters = new Set<(parked: boolean) => void>();

  constructor(
    readonly task: TaskAssignment,
    /** To the handler thread, which sends its replies through `onHandlerMessage`. */
    private readonly toThread: (message: ControlToHandler) => void,
    private readonly report: (message: WorkerMessage) => void,
  ) {}

  /** Whether the run has been handed to the handler thread. */
  started = false;

  run(): void {
    this.started = true;
    const data: HandlerRunData = {
      module: this.task.module,
      input: this.task.task_data,
      flags: this.flags.buffer,
      maxResultBytes: this.task.max_result_bytes,
    };
    this.toThread({ type: 'run', data });
  }

  /** Asks the handler to park; resolves true once it has, false if it has not within `waitMs`. */
  pause(waitMs: number): Promise<boolean> {
    if (this.finished) return Promise.resolve(false);
    this.flags.requestPause();
    if (this.parked) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (parked: boolean) => {
        clearTimeout(timer);
        this.parkWaiters.delete(settle);
        resolve(parked);
      };
      const timer = setTimeout(() => settle(false), waitMs);
      this.parkWaiters.add(settle);
    });
  }

  resume(): void {
    this.flags.requestResume();
  }

  /** Fires the handler's AbortSignal; a parked handler wakes to see it. */
  terminate(): void {
    this.flags.requestAbort();
    this.toThread({ type: 'abort' });
  }

  status(): WorkerStatus {
    const cpu = process.cpuUsage();
    return {
      task_id: this.task.task_id,
      task_type: this.task.task_type,
      pid: process.pid,
      state: this.flags.abortRequested ? 'terminating' : this.parked ? 'paused' : this.flags.pauseRequested ? 'pausing' : 'running',
      progress: this.progress,
      progress_info: this.progressInfo,
      paused: this.parked,
      rss_bytes: process.memoryUsage.rss(),
      cpu_time_ms: { user: Math.round(cpu.user / 1000), system: Math.round(cpu.system / 1000) },
      uptime_s: (Date.now() - this.startedAt) / 1000,
    };
  }

  /** The handler thread died under the task: an uncaught error, or an exit. */
  threadLost(error: Error | null, exitCode: number): void {
    if (error) this.finish({ type: 'failed', error: { code: 'HANDLER_CRASHED', message: error.message } });
    else this.finish({ type: 'failed', error: { code: 'HANDLER_EXITED', message: `handler exited (code ${exitCode}) without a result` } });
  }

  onHandlerMessage(message: HandlerToControl): void {
    switch (message.type) {
      case 'progress':
        this.progress = message.progress;
        this.progressInfo = message.info;
        return this.report(message);
      case 'parked':
        this.parked = true;
        this.parkWaiters.forEach((settle) => settle(true));
        return this.report({ type: 'paused' });
      case 'unparked':
        this.parked = false;
        return this.report({ type: 'resumed' });
      case 'log':
        return this.report(message);
      case 'outcome':
        return this.finish(toWorkerOutcome(message.outcome));
    }
  }

  private finish(outcome: WorkerMessage): void {
    if (this.finished) return;
    this.finished = true;
    this.parkWaiters.forEach((settle) => settle(false));
    this.report(outcome);
  }
}

function toWorkerOutcome(outcome: HandlerOutcome): WorkerMessage {
  switch (outcome.type) {
    case 'result':
      return { type: 'completed', result: outcome.result, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 };
    case 'error':
      return { type: 'failed', error: { code: outcome.code, message: outcome.message } };
    case 'aborted':
      return { type: 'aborted' };
  }
}
