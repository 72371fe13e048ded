import { answerWithin } from '../../test/support/answer-within';
import type { ControlToMain } from './control-thread-protocol';
import { RunBoard } from './run-board';
import { RunControl } from './run-control';
import { RunFlags } from './run-flags';

/** The control thread's side; the main thread's writes are made here through the same shared memory. */
describe('RunControl', () => {
  let board: RunBoard;
  let flags: RunFlags;
  let toMain: ControlToMain[];
  let control: RunControl;
  beforeEach(() => {
    board = new RunBoard();
    flags = new RunFlags();
    toMain = [];
    control = new RunControl(new RunBoard(board.buffer), new RunFlags(flags.buffer), (m) => toMain.push(m));
  });

  /** The run as a request about it finds it, the task already begun. */
  const current = async (taskId = 't1') => (await control.runSoon(taskId, 0))!;

  it('has no run for a task that has not begun, has ended, or is not the one running', async () => {
    expect(await control.runSoon('t1', 0)).toBeNull();
    board.begin({ task_id: 't1', task_type: 'noop' });
    expect(await control.runSoon('t2', 0)).toBeNull();
    board.end();
    expect(await control.runSoon('t1', 0)).toBeNull();
  });

  it("shows the running task with its latest progress, never an earlier run's", async () => {
    const first = board.begin({ task_id: 't1', task_type: 'process_data' });
    control.onProgress({ type: 'progress', run: first, progress: 40, info: { step: 4 } });
    expect((await current()).status()).toMatchObject({ task_id: 't1', task_type: 'process_data', pid: process.pid, state: 'running', progress: 40, progress_info: { step: 4 }, paused: false });
    board.end();
    board.begin({ task_id: 't2', task_type: 'noop' });
    expect((await current('t2')).status()).toMatchObject({ task_id: 't2', progress: 0, progress_info: null });
  });

  it('asks for a pause of its run through the shared flags, says it is pausing, and answers false when the handler does not park in time', async () => {
    const number = board.begin({ task_id: 't1', task_type: 'noop' });
    const run = await current();
    const started = Date.now();
    expect(await run.pause(60)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(flags.pauseRequested(number)).toBe(true);
    expect(flags.pauseRequested(number + 1)).toBe(false);
    expect(run.status()).toMatchObject({ state: 'pausing', paused: false });
    run.resume();
    expect(flags.pauseRequested(number)).toBe(false);
  });

  it('answers a pause at once, false, when the task ends before it parks, even if it asked after the end', async () => {
    board.begin({ task_id: 't1', task_type: 'noop' });
    const run = await current();
    const late = (pause: Promise<boolean>) => answerWithin(pause, 2000);
    const waiting = run.pause(10_000);
    flags.end();
    board.end();
    expect(await late(waiting)).toBe(false);
    expect(await late(run.pause(10_000))).toBe(false);
    // The next task starts with a cell that waits again.
    flags.clear();
    board.begin({ task_id: 't2', task_type: 'noop' });
    expect(await (await current('t2')).pause(30)).toBe(false);
    expect((await current('t2')).status()).toMatchObject({ task_id: 't2', state: 'pausing' });
  });

  it("withdraws only its own run's pause: one made for the next run stands", async () => {
    board.begin({ task_id: 't1', task_type: 'noop' });
    const first = await current();
    board.end();
    flags.clear();
    const next = board.begin({ task_id: 't2', task_type: 'noop' });
    flags.requestPause(next);
    first.resume();
    expect(flags.pauseRequested(next)).toBe(true);
    (await current('t2')).resume();
    expect(flags.pauseRequested(next)).toBe(false);
  });

  it('terminates through the abort flag and a message that fires the handler signal', async () => {
    const number = board.begin({ task_id: 't1', task_type: 'noop' });
    const run = await current();
    run.terminate();
    expect(flags.abortRequested(number)).toBe(true);
    expect(toMain).toEqual([{ type: 'abort' }]);
    expect(run.status().state).toBe('terminating');
  });
});
