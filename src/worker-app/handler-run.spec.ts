import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HandlerRun, type HandlerEvent, type HandlerRunData } from './handler-run';
import { RunFlags } from './run-flags';

describe('HandlerRun', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'handler-run-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const handler = (name: string, source: string) => {
    const file = join(dir, `${name}.js`);
    writeFileSync(file, source);
    return file;
  };
  const runData = (module: string, input: Record<string, unknown> = {}): HandlerRunData => ({ module, input, maxResultBytes: 1024 });

  it("fires the handler's signal when the abort was requested before the handler could listen", async () => {
    // A handler that only listens to its signal and never reaches a checkpoint.
    const module = handler(
      'listens',
      `module.exports = { run: (input, ctx) => new Promise((resolve, reject) => ctx.signal.addEventListener('abort', () => {
        require('node:fs').writeFileSync(input.marker, 'cleaned up');
        reject(new Error('stopped'));
      })) };`,
    );
    const flags = new RunFlags();
    flags.requestAbort(1);
    const marker = join(dir, 'marker');
    const outcome = await new HandlerRun(runData(module, { marker }), flags, 1, () => {}).execute();
    expect(outcome).toEqual({ type: 'aborted' });
    expect(readFileSync(marker, 'utf8')).toBe('cleaned up');
  });

  it('runs a handler to its result when nothing was requested', async () => {
    const module = handler('answers', `module.exports = { run: (input) => ({ doubled: input.n * 2 }) };`);
    const posted: HandlerEvent[] = [];
    const outcome = await new HandlerRun(runData(module, { n: 21 }), new RunFlags(), 1, (m) => posted.push(m)).execute();
    expect(outcome).toEqual({ type: 'result', result: { doubled: 42 } });
    expect(posted).toEqual([]);
    expect(existsSync(join(dir, 'marker'))).toBe(false);
  });

  describe('its AbortSignal', () => {
    const Native = AbortController;
    let made: number;
    beforeEach(() => {
      made = 0;
      globalThis.AbortController = class extends Native {
        constructor() {
          super();
          made++;
        }
      };
    });
    afterEach(() => (globalThis.AbortController = Native));

    it('is made only for a handler that reads it, and is the same signal every time it is read', async () => {
      const ignores = handler('ignores', `module.exports = { run: () => 1 };`);
      await new HandlerRun(runData(ignores), new RunFlags(), 1, () => {}).execute();
      expect(made).toBe(0);

      const reads = handler('reads', `module.exports = { run: (input, ctx) => { const { signal } = ctx; return signal === ctx.signal && !signal.aborted; } };`);
      expect(await new HandlerRun(runData(reads), new RunFlags(), 1, () => {}).execute()).toEqual({ type: 'result', result: true });
      expect(made).toBe(1);
    });

    it('fires for a handler that took it before the task was terminated', async () => {
      const module = handler('holds', `module.exports = { run: (input, ctx) => { const { signal } = ctx; return new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))); } };`);
      const running = new HandlerRun(runData(module), new RunFlags(), 1, () => {});
      const outcome = running.execute();
      running.abort();
      expect(await outcome).toEqual({ type: 'aborted' });
      expect(made).toBe(1);
    });
  });

  it('refuses a result over the size limit', async () => {
    const module = handler('large', `module.exports = { run: () => 'x'.repeat(2048) };`);
    const outcome = await new HandlerRun(runData(module), new RunFlags(), 1, () => {}).execute();
    expect(outcome).toMatchObject({ type: 'error', code: 'RESULT_TOO_LARGE' });
  });
});
