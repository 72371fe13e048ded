export interface Progress {
  progress: number;
  info: Record<string, unknown> | null;
}

/** Keeps the latest progress of one task so the store is written at most once per interval. */
export class ProgressBuffer {
  private pending: Progress | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly onDue: () => void,
  ) {}

  push(progress: Progress): void {
    this.pending = progress;
    this.timer ??= setTimeout(this.onDue, this.intervalMs);
  }

  /** The latest unwritten progress, if any; the caller writes it. */
  take(): Progress | null {
    this.cancel();
    const pending = this.pending;
    this.pending = null;
    return pending;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
