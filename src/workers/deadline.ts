/** A timeout that stops counting while the task is paused. */
export class Deadline {
  private timer: NodeJS.Timeout | null = null;
  private armedAt = 0;

  constructor(
    private remainingMs: number,
    private readonly onExpire: () => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.armedAt = Date.now();
    this.timer = setTimeout(this.onExpire, this.remainingMs);
  }

  pause(): void {
    if (!this.timer) return;
    this.clear();
    this.remainingMs = Math.max(0, this.remainingMs - (Date.now() - this.armedAt));
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
