import type { WorkerStatus } from '../workers/worker-protocol';
import type { ControlToMain, MainToControl } from './control-thread-protocol';
import type { RunBoard, RunIdentity } from './run-board';
import type { RunFlags } from './run-flags';

type ProgressNews = Extract<MainToControl, { type: 'progress' }>;

/**
 * The control thread's hold on the task the worker runs: which one it is and
 * whether it is parked (shared memory, read as a request asks), its progress
 * (sent by the main thread, at most every 50 ms), and the pause, resume and
 * abort requests it can make of it.
 */
export class RunControl {
  private progress: ProgressNews | null = null;

  constructor(
    private readonly board: RunBoard,
    private readonly flags: RunFlags,
    private readonly toMain: (message: ControlToMain) => void,
  ) {}

  onProgress(news: ProgressNews): void {
    this.progress = news;
  }

  /** The named task while it runs, or once it begins within `waitMs` (RunBoard.readSoon); null once it has ended. */
  async runSoon(taskId: string, waitMs: number): Promise<ControlledRun | null> {
    const identity = await this.board.readSoon(taskId, waitMs);
    return identity && new ControlledRun(identity, this.flags, this.progress?.run === identity.run ? this.progress : null, this.toMain);
  }
}

/** One task, as the control thread found it when a request came. */
export class ControlledRun {
  constructor(
    private readonly identity: RunIdentity,
    private readonly flags: RunFlags,
    private readonly progress: ProgressNews | null,
    private readonly toMain: (message: ControlToMain) => void,
  ) {}

  /** Asks the handler to park; resolves true once it has, false if it has not within `waitMs`. */
  pause(waitMs: number): Promise<boolean> {
    this.flags.requestPause(this.identity.run);
    return this.flags.whenParked(waitMs);
  }

  resume(): void {
    this.flags.requestResume(this.identity.run);
  }

  /** A parked handler wakes to see the abort; one that awaits hears it through its AbortSignal. */
  terminate(): void {
    this.flags.requestAbort(this.identity.run);
    this.toMain({ type: 'abort' });
  }

  status(): WorkerStatus {
    const { flags, identity } = this;
    const cpu = process.cpuUsage();
    const parked = flags.parked;
    return {
      task_id: identity.task_id,
      task_type: identity.task_type,
      pid: process.pid,
      state: flags.abortRequested(identity.run) ? 'terminating' : parked ? 'paused' : flags.pauseRequested(identity.run) ? 'pausing' : 'running',
      progress: this.progress?.progress ?? 0,
      progress_info: this.progress?.info ?? null,
      paused: parked,
      rss_bytes: process.memoryUsage.rss(),
      cpu_time_ms: { user: Math.round(cpu.user / 1000), system: Math.round(cpu.system / 1000) },
      uptime_s: (Date.now() - identity.started_at) / 1000,
    };
  }
}
