import { canTransition, isTerminal, sourcesOf, TASK_STATUSES, TERMINAL_STATUSES } from './task';

describe('task state rules', () => {
  it('never leaves a terminal state', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of TASK_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('follows queued -> starting -> running <-> paused -> outcome', () => {
    expect(canTransition('queued', 'starting')).toBe(true);
    expect(canTransition('starting', 'running')).toBe(true);
    expect(canTransition('running', 'paused')).toBe(true);
    expect(canTransition('paused', 'running')).toBe(true);
    expect(canTransition('paused', 'completed')).toBe(true);
    expect(canTransition('queued', 'running')).toBe(false);
    expect(canTransition('queued', 'paused')).toBe(false);
    expect(canTransition('starting', 'paused')).toBe(false);
    expect(canTransition('completed', 'queued')).toBe(false);
  });

  it('queues a started task again only from an active state (a retry after its node died)', () => {
    expect(sourcesOf('queued')).toEqual(['starting', 'running', 'paused']);
  });

  it('only cancels tasks that never started', () => {
    expect(sourcesOf('cancelled')).toEqual(['queued']);
    expect(sourcesOf('terminated')).toEqual(['starting', 'running', 'paused']);
    expect(sourcesOf('completed')).toEqual(['running', 'paused']);
  });

  it('knows which states are terminal', () => {
    expect(TASK_STATUSES.filter(isTerminal)).toEqual(TERMINAL_STATUSES);
  });
});
