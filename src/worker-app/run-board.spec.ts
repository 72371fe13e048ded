import { RunBoard } from './run-board';

describe('RunBoard', () => {
  it('shows the task between its begin and its end, each run under a number of its own', () => {
    const board = new RunBoard();
    expect(board.read()).toBeNull();
    const before = Date.now();
    expect(board.begin({ task_id: 'a', task_type: 'noop' })).toBe(1);
    expect(board.read()).toEqual({ task_id: 'a', task_type: 'noop', started_at: expect.any(Number), run: 1 });
    expect(board.read()!.started_at).toBeGreaterThanOrEqual(before);
    board.end();
    expect(board.read()).toBeNull();
    expect(board.begin({ task_id: 'b', task_type: 'noop' })).toBe(2);
    expect(board.read()).toMatchObject({ task_id: 'b', run: 2 });
  });

  it('is read through another view of the same memory, as the control thread reads it', () => {
    const writer = new RunBoard();
    const reader = new RunBoard(writer.buffer);
    writer.begin({ task_id: 'ü-€-task', task_type: 'process_data' });
    expect(reader.read()).toMatchObject({ task_id: 'ü-€-task', task_type: 'process_data' });
  });

  it('waits for the named task to begin, and gives up after the wait', async () => {
    const writer = new RunBoard();
    const reader = new RunBoard(writer.buffer);
    setTimeout(() => writer.begin({ task_id: 'soon', task_type: 'noop' }), 30);
    expect(await reader.readSoon('soon', 5000)).toMatchObject({ task_id: 'soon', run: 1 });
    // Already there: at once.
    expect(await reader.readSoon('soon', 0)).toMatchObject({ task_id: 'soon' });

    writer.end();
    const started = Date.now();
    expect(await reader.readSoon('later', 50)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('waits on past the end of the task before it for the named one to begin', async () => {
    const writer = new RunBoard();
    const reader = new RunBoard(writer.buffer);
    // Both writes in one turn: the waiting reader, in this thread, wakes only after both, to an ended task.
    setTimeout(() => (writer.begin({ task_id: 'a', task_type: 'noop' }), writer.end()), 10);
    setTimeout(() => writer.begin({ task_id: 'b', task_type: 'noop' }), 40);
    expect(await reader.readSoon('b', 5000)).toMatchObject({ task_id: 'b', run: 2 });
  });

  it('answers at once, with nothing, about a task that has ended, whether the next has begun or not', async () => {
    const writer = new RunBoard();
    const reader = new RunBoard(writer.buffer);
    writer.begin({ task_id: 'a', task_type: 'noop' });
    writer.end();
    expect(reader.read()).toBeNull();
    const started = Date.now();
    expect(await reader.readSoon('a', 5000)).toBeNull();
    writer.begin({ task_id: 'b', task_type: 'noop' });
    expect(await reader.readSoon('a', 5000)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('never hands a request about one task another', async () => {
    const writer = new RunBoard();
    const reader = new RunBoard(writer.buffer);
    const aboutB = reader.readSoon('b', 5000);
    setTimeout(() => writer.begin({ task_id: 'a', task_type: 'noop' }), 10);
    expect(await aboutB).toBeNull();
  });

  it('refuses an identity too large for it, and is left empty rather than torn', () => {
    const board = new RunBoard();
    board.begin({ task_id: 'a', task_type: 'noop' });
    expect(() => board.begin({ task_id: 'x'.repeat(2000), task_type: 'noop' })).toThrow(RangeError);
    expect(board.read()).toBeNull();
  });
});
