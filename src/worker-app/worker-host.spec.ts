import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerWithin } from '../../test/support/answer-within';
import type { TaskAssignment, WorkerMessage } from '../workers/worker-protocol';
import type { MainToControl } from './control-thread-protocol';
import { RunBoard } from './run-board';
import { RunFlags } from './run-flags';
import { WorkerHost } from './worker-host';

/** Real handler modules in a temporary folder; the baseline and the timer ledger are stand-ins (they reshape the whole process). */
describe('WorkerHost', () => {
  let dir: string;
  let reports: WorkerMessage[];
  let toControl: MainToControl[];
  let board: RunBoard;
  let flags: RunFlags;
  let baseline: { check: jest.Mock<string | null, []>; restore: jest.Mock<string | null, []> };
  let timers: { clearAll: jest.Mock; schedule: jest.Mock };
  let abandon: jest.Mock;
  let host: WorkerHost;
  /** Check, report and restore, in the order they happened. */
  let steps: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'worker-host-'));
    reports = [];
    toControl = [];
    board = new RunBoard();
    flags = new RunFlags();
    steps = [];
    baseline = { check: jest.fn(() => (steps.push('check'), null)), restore: jest.fn(() => (steps.push('restore'), null)) };
    timers = { clearAll: jest.fn(), schedule: jest.fn(() => setTimeout(() => {}, 0)) };
    abandon = jest.fn();
    const report = (m: WorkerMessage) => (reports.push(m), steps.push(m.type));
    host = new WorkerHost({ report, toControl: (m) => toControl.push(m), board, flags, timers, abandon });
    host.prepare(baseline);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  let modules = 0;
  function task(source: string, input: Record<string, unknown> = {}): TaskAssignment {
    const module = join(dir, `handler-${++modules}.js`);
    writeFileSync(module, source);
    return { task_id: `t${modules}`, task_type: 'fixture', task_data: input, module, max_result_bytes: 1024 };
  }
  const outcome = () => waitFor(() => reports.find((r) => ['completed', 'failed', 'aborted'].includes(r.type)));

  it('runs a task, shows it on the board while it runs, checks the process, reports the outcome, then puts the process back', async () => {
    const assignment = task(`module.exports = { run: async (input, ctx) => { ctx.progress(40, { step: 1 }); await ctx.sleep(20); return input.n * 2; } };`, { n: 21 });
    host.start(assignment);
    expect(board.read()).toMatchObject({ task_id: assignment.task_id, task_type: 'fixture', run: 1 });
    expect(host.busy).toBe(true);

    expect(await outcome()).toEqual({ type: 'completed', result: 42, peak_rss_bytes: expect.any(Number), spent: null });
    expect(reports[0]).toEqual({ type: 'progress', progress: 40, info: { step: 1 } });
    expect(toControl).toEqual([{ type: 'progress', run: 1, progress: 40, info: { step: 1 } }]);
    expect(timers.clearAll).toHaveBeenCalled();
    expect(steps).toEqual(['progress', 'check', 'completed', 'restore']);
    expect(board.read()).toBeNull();
    expect(host.busy).toBe(false);
    // The idle collection is the worker's own timer, armed once the task is done.
    expect(timers.schedule).toHaveBeenCalledWith(expect.any(Function), 5000);
  });

  it('tells a pause waiting for the handler to park that its task has ended', async () => {
    host.start(task(`module.exports = { run: async (input, ctx) => { await ctx.sleep(30); return 1; } };`));
    const pause = flags.whenParked(10_000);
    await outcome();
    expect(await answerWithin(pause, 2000)).toBe(false);
  });

  it('says in the outcome why the process cannot serve again, and neither puts it back nor arms anything for an idle time it will not have', async () => {
    baseline.check.mockReturnValue('the task left TCPSocketWrap open');
    host.start(task(`module.exports = { run: () => 'done' };`));
    expect(await outcome()).toMatchObject({ type: 'completed', result: 'done', spent: 'the task left TCPSocketWrap open' });
    expect(baseline.restore).not.toHaveBeenCalled();
    expect(timers.schedule).not.toHaveBeenCalled();
  });

  it('abandons the process when what the check passed cannot be undone after all', async () => {
    baseline.restore.mockReturnValue('the task changed the built-in Array for good');
    host.start(task(`module.exports = { run: () => 'done' };`));
    expect(await outcome()).toMatchObject({ type: 'completed', spent: null });
    expect(abandon).toHaveBeenCalledWith('the task changed the built-in Array for good');
    expect(timers.schedule).not.toHaveBeenCalled();
  });

  it('reports a failed task without putting the process back: it is recycled', async () => {
    host.start(task(`module.exports = { run: () => { throw new Error('boom'); } };`));
    expect(await outcome()).toEqual({ type: 'failed', error: { code: 'HANDLER_ERROR', message: 'boom' } });
    expect(steps).toEqual(['failed']);
    expect(board.read()).toBeNull();
  });

  it('ignores a start while a task runs, and any start before it is prepared', async () => {
    const slow = task(`module.exports = { run: (input, ctx) => ctx.sleep(30).then(() => 'first') };`);
    host.start(slow);
    host.start(task(`module.exports = { run: () => 'second' };`));
    expect(await outcome()).toMatchObject({ result: 'first' });
    expect(reports.filter((r) => r.type === 'completed')).toHaveLength(1);

    const unprepared = new WorkerHost({ report: (m) => reports.push(m), toControl: () => {}, board, flags, timers, abandon });
    unprepared.start(task(`module.exports = { run: () => 'never' };`));
    expect(unprepared.busy).toBe(false);
  });

  it('fires the handler signal on abort, and clears the flags a new task begins with', async () => {
    flags.requestPause(1);
    const assignment = task(`module.exports = { run: (input, ctx) => new Promise((resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')))) };`);
    host.start(assignment);
    expect(flags.pauseRequested(1)).toBe(false);
    flags.requestAbort(1);
    host.abort();
    expect(await outcome()).toEqual({ type: 'aborted' });
  });

  it("leaves alone a pause or an abort meant for the task before, made after the next began", async () => {
    host.start(task(`module.exports = { run: () => 'first' };`));
    expect(await outcome()).toMatchObject({ result: 'first' });
    reports = [];
    host.start(task(`module.exports = { run: async (input, ctx) => { for (let i = 0; i < 5; i++) await ctx.sleep(10); return 'second'; } };`));
    expect(board.read()).toMatchObject({ run: 2 });
    // The control thread read the board while run 1 ran, and wrote only now.
    flags.requestPause(1);
    flags.requestAbort(1);
    expect(await outcome()).toMatchObject({ type: 'completed', result: 'second' });
    expect(reports.filter((r) => r.type === 'paused')).toEqual([]);
  });

  it('turns an exit or an uncaught error during a task into its outcome, once', async () => {
    expect(host.exiting(0)).toBeNull();
    host.start(task(`module.exports = { run: (input, ctx) => ctx.sleep(30).then(() => 'late') };`));
    expect(host.exiting(3)).toEqual({ type: 'failed', error: { code: 'HANDLER_EXITED', message: 'handler exited (code 3) without a result' } });
    expect(host.crashed(new Error('thrown from a timer'))).toEqual({ type: 'failed', error: { code: 'HANDLER_CRASHED', message: 'thrown from a timer' } });
    // The run's own end, later, reports nothing more: the process is on its way out.
    await waitFor(() => !host.busy || undefined);
    expect(reports).toEqual([]);
  });
});

async function waitFor<T>(probe: () => T | undefined, ms = 2000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
