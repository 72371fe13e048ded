import { EventEmitter } from 'node:events';

/**
 * A child process made of an EventEmitter, for unit tests of the pool and
 * supervisor policy without forking. Test-only (excluded from the build).
 */
export class FakeChild extends EventEmitter {
  connected = true;
  sent: any[] = [];
  killedWith: string | null = null;
  private exiting = false;
  constructor(readonly pid = 4242) {
    super();
  }
  send = (message: unknown) => (this.sent.push(message), true);
  kill = (signal: string) => {
    this.killedWith = signal;
    // As a real process: it exits once, however often it is signalled.
    if (!this.exiting) setImmediate(() => this.emit('close', null, signal));
    this.exiting = true;
    return true;
  };
  say(message: unknown) {
    this.emit('message', message);
  }
}
