/**
 * The worker's working directory, which a task can change without touching
 * a property (`process.chdir`): a handler that works in a temporary directory
 * of its own must not leave the next task's relative paths pointing there.
 */
export class WorkingDirectory {
  private readonly cwd = process.cwd();

  /** Puts it back; why it cannot be, or null. */
  putBack(): string | null {
    try {
      if (process.cwd() !== this.cwd) process.chdir(this.cwd);
      return null;
    } catch (error) {
      // The worker's own directory was removed.
      return `the working directory cannot be put back: ${(error as Error).message}`;
    }
  }
}
