/**
 * The process-wide settings a task can change through `process` without
 * touching a property: the working directory, and the exit code the process
 * would end with. A handler that works in a temporary directory of its own
 * must not leave the next task's relative paths pointing there.
 */
export class ProcessSettings {
  private readonly cwd = process.cwd();
  private readonly exitCode = process.exitCode;

  /** Puts both back; why they cannot be, or null. */
  putBack(): string | null {
    if (process.exitCode !== this.exitCode) process.exitCode = this.exitCode;
    try {
      if (process.cwd() !== this.cwd) process.chdir(this.cwd);
      return null;
    } catch (error) {
      // The worker's own directory was removed.
      return `the working directory cannot be put back: ${(error as Error).message}`;
    }
  }
}
