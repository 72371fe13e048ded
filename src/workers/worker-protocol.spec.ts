import { parseSupervisorMessage, parseWorkerMessage } from './worker-protocol';

describe('worker protocol', () => {
  it('takes the messages it knows, in their shape, and drops the rest', () => {
    expect(parseWorkerMessage({ type: 'completed', result: null, peak_rss_bytes: 52e6, spent: null })).toEqual({ type: 'completed', result: null, peak_rss_bytes: 52e6, spent: null });
    expect(parseWorkerMessage({ type: 'completed', result: 1, peak_rss_bytes: 52e6, spent: 'a socket left open' })).toMatchObject({ spent: 'a socket left open' });
    expect(parseWorkerMessage({ type: 'ready', port: 40001 })).toEqual({ type: 'ready', port: 40001 });
    for (const dropped of [
      { type: 'completed', result: 1 },
      { type: 'completed', result: 1, peak_rss_bytes: 'lots', spent: null },
      { type: 'completed', result: 1, peak_rss_bytes: 52e6 },
      { type: 'completed', result: 1, peak_rss_bytes: 52e6, spent: true },
      { type: 'idle', peak_rss_bytes: 52e6 },
      { type: 'ready', port: 0 },
      { type: 'progress', progress: Number.NaN },
      { type: 'failed', error: { message: 'no code' } },
      { type: 'surprise' },
      'idle',
      null,
    ]) {
      expect(parseWorkerMessage(dropped)).toBeNull();
    }
    expect(parseSupervisorMessage({ type: 'boot', token: 't', nice: 10 })).toEqual({ type: 'boot', token: 't', nice: 10 });
    expect(parseSupervisorMessage({ type: 'boot', token: 't', nice: 1.5 })).toBeNull();
    expect(parseSupervisorMessage({ type: 'start', task: { task_id: 'x' } })).toBeNull();
  });
});
