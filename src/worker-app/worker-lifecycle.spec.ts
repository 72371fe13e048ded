import type { TaskAssignment, WorkerMessage } from '../workers/worker-protocol';
import type { MainToControl } from './control-thread-protocol';
import { WorkerLifecycle } from './worker-lifecycle';

describe('WorkerLifecycle', () => {
  let sent: WorkerMessage[];
  let exits: number[];
  let toControl: MainToControl[];
  let steps: string[];
  let host: { prepare: jest.Mock; start: jest.Mock; abort: jest.Mock };
  let tuneForTasks: jest.Mock;
  let priorityRefusal: string | null;
  let lifecycle: WorkerLifecycle;

  const baseline = { check: () => null, restore: () => null };
  const task: TaskAssignment = { task_id: 't1', task_type: 'fixture', task_data: {}, module: '/handler.js', max_result_bytes: 1024 };

  beforeEach(() => {
    sent = [];
    exits = [];
    toControl = [];
    steps = [];
    priorityRefusal = null;
    host = { prepare: jest.fn(() => steps.push('baseline')), start: jest.fn(), abort: jest.fn() };
    tuneForTasks = jest.fn();
    lifecycle = new WorkerLifecycle({
      // The message leaves at once, as far as the lifecycle can tell.
      send: (message, then) => (sent.push(message), steps.push(message.type), then?.()),
      exit: (code) => exits.push(code),
      toControl: (message) => toControl.push(message),
      host,
      takeBaseline: () => baseline,
      lowerPriority: (nice) => (steps.push(`nice ${nice}`), priorityRefusal),
      tuneForTasks,
    });
  });

  function bootReady(): void {
    lifecycle.onSupervisor({ type: 'boot', token: 'secret', nice: 10 });
    lifecycle.onControl({ type: 'listening', port: 4321 });
  }

  it('hands the token to the control thread, and once it listens lowers the priority, says ready, then takes the baseline', () => {
    lifecycle.onSupervisor({ type: 'boot', token: 'secret', nice: 10 });
    expect(toControl).toEqual([{ type: 'token', token: 'secret' }]);
    expect(sent).toEqual([]);

    lifecycle.onControl({ type: 'listening', port: 4321 });
    expect(sent).toEqual([{ type: 'ready', port: 4321 }]);
    expect(steps).toEqual(['nice 10', 'ready', 'baseline']);
    expect(host.prepare).toHaveBeenCalledWith(baseline);
  });

  it('says so once when the nice value cannot be applied, and is ready all the same', () => {
    priorityRefusal = 'EACCES';
    bootReady();
    expect(sent).toEqual([
      { type: 'log', message: "WORKER_NICE=10 could not be applied (EACCES); handlers run at the service's priority" },
      { type: 'ready', port: 4321 },
    ]);
  });

  it('starts tasks only once ready, tunes V8 once for the first, and drops what it does not recognise', () => {
    lifecycle.onSupervisor({ type: 'start', task });
    expect(host.start).not.toHaveBeenCalled();

    bootReady();
    lifecycle.onSupervisor({ type: 'start', task });
    lifecycle.onSupervisor({ type: 'start', task: { ...task, task_id: 't2' } });
    lifecycle.onSupervisor({ type: 'shutdown' });
    lifecycle.onSupervisor('start');
    expect(host.start.mock.calls.map(([t]) => t.task_id)).toEqual(['t1', 't2']);
    expect(tuneForTasks).toHaveBeenCalledTimes(1);
    // A second boot (a confused supervisor) changes neither the token nor the readiness.
    lifecycle.onSupervisor({ type: 'boot', token: 'other', nice: 0 });
    expect(toControl).toEqual([{ type: 'token', token: 'secret' }]);
  });

  it('passes a terminate from the control thread to the running handler', () => {
    bootReady();
    lifecycle.onControl({ type: 'abort' });
    expect(host.abort).toHaveBeenCalledTimes(1);
  });

  it('fails its boot, once, when the control app cannot boot, and exits once that has left', () => {
    lifecycle.onSupervisor({ type: 'boot', token: 'secret', nice: 10 });
    lifecycle.onControl({ type: 'boot_failed', message: 'no port' });
    // The thread then ends: its error and exit add nothing.
    lifecycle.controlLost('it exited with code 1');
    expect(sent).toEqual([{ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: 'no port' } }]);
    expect(exits).toEqual([1]);
    lifecycle.onControl({ type: 'listening', port: 4321 });
    expect(sent).toHaveLength(1);
  });

  it('fails its boot when the control thread is lost before it listens', () => {
    lifecycle.controlLost('out of memory');
    lifecycle.controlLost('it exited with code 1');
    expect(sent).toEqual([{ type: 'failed', error: { code: 'WORKER_BOOT_FAILED', message: 'control thread lost: out of memory' } }]);
    expect(exits).toEqual([1]);
  });

  it('logs and exits, once, when the control thread is lost after ready, and starts nothing more', () => {
    bootReady();
    lifecycle.controlLost('boom');
    lifecycle.controlLost('it exited with code 1');
    expect(sent.slice(1)).toEqual([{ type: 'log', message: 'control thread lost: boom' }]);
    expect(exits).toEqual([1]);
    lifecycle.onSupervisor({ type: 'start', task });
    expect(host.start).not.toHaveBeenCalled();
  });

  it('when abandoned, logs why, exits once that has left, and starts no further task', () => {
    bootReady();
    lifecycle.onSupervisor({ type: 'start', task });
    lifecycle.abandon('Math could not be put back');
    lifecycle.onSupervisor({ type: 'start', task: { ...task, task_id: 't2' } });
    lifecycle.controlLost('it exited with code 1');
    expect(sent.slice(1)).toEqual([{ type: 'log', message: 'worker exits: Math could not be put back' }]);
    expect(exits).toEqual([1]);
    expect(host.start).toHaveBeenCalledTimes(1);
  });

  it('exits only once the message saying why has left', () => {
    let leave: (() => void) | undefined;
    const held = new WorkerLifecycle({
      send: (_message, then) => (leave = then),
      exit: (code) => exits.push(code),
      toControl: () => {},
      host,
      takeBaseline: () => baseline,
      lowerPriority: () => null,
      tuneForTasks,
    });
    held.controlLost('boom');
    expect(exits).toEqual([]);
    leave!();
    expect(exits).toEqual([1]);
  });
});
