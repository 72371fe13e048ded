import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { CONTROL_BUNDLE } from '../../src/worker-app/bundle-files';
import { RunBoard } from '../../src/worker-app/run-board';
import { RunFlags } from '../../src/worker-app/run-flags';
import { WORKER_TASK_HEADER, WORKER_TOKEN_HEADER } from '../../src/workers/worker-protocol';
import { BOOT_ENTRY, bootWorker, stopWorker, WORKER_APP, type BootedWorker } from './booted-worker';
import { waitUntil } from './service';

/** The control thread's: the main thread's bundle is small and runs without one (boot.ts). */
const CACHE = join(WORKER_APP, `${CONTROL_BUNDLE}.v8-cache`);

/** The control app answers, token checked: a worker without a task says 409 about any. */
async function expectControlAppUp({ port, token }: Pick<BootedWorker, 'port' | 'token'>): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/status`, { headers: { [WORKER_TOKEN_HEADER]: token, [WORKER_TASK_HEADER]: 'no-such-task' } });
  expect(response.status).toBe(409);
}

const readCache = () => (existsSync(CACHE) ? readFileSync(CACHE) : null);

/** Boots a worker, waits until it has written a cache other than `before`, and stops it. */
async function bootAndWaitForNewCache(before: Buffer | null, execArgv: string[] = []): Promise<Buffer> {
  const worker = await bootWorker(execArgv);
  try {
    await expectControlAppUp(worker);
    await waitUntil(() => {
      const now = readCache();
      return now !== null && (before === null || !now.equals(before));
    }, 10_000);
    return readCache()!;
  } finally {
    await stopWorker(worker);
  }
}

/**
 * The main thread reads and checks the control bundle and its cache while the
 * control thread starts, and hands both over. A preloaded probe (in both
 * threads, as Node preloads it) records what the control thread reads before
 * its bundle has run.
 */
describe('the control thread and its bundle', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'boot-probe-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles what the main thread read for it: to boot, it reads neither the bundle nor its cache, nor loads zlib', async () => {
    const probe = join(dir, 'probe.js');
    const out = join(dir, 'control-thread.json');
    writeFileSync(probe, `
      const { isMainThread } = require('node:worker_threads');
      if (!isMainThread) {
        const fs = require('node:fs');
        const read = fs.readFileSync;
        const files = [];
        fs.readFileSync = function (file, ...rest) { files.push(String(file)); return read.call(this, file, ...rest); };
        // The bundle is compiled and run as boot.js loads, before any timer.
        setTimeout(() => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ files, zlib: process.moduleLoadList.includes('NativeModule zlib') })));
      }`);
    const worker = await bootWorker(['--require', probe]);
    try {
      await expectControlAppUp(worker);
      const seen = JSON.parse(readFileSync(out, 'utf8'));
      expect(seen.files.map((file: string) => basename(file))).toEqual(['boot.js', 'code-cache.js', 'commonjs-script.js']);
      expect(seen.zlib).toBe(false);
    } finally {
      await stopWorker(worker);
    }
  });

  it('reads the bundle itself when its main thread handed nothing over, and boots', async () => {
    const handover = new MessageChannel();
    handover.port1.close();
    const bundled = { file: join(WORKER_APP, CONTROL_BUNDLE), handover: handover.port2 };
    const data = { board: new RunBoard().buffer, flags: new RunFlags().buffer, bundled };
    const thread = new Worker(BOOT_ENTRY, { workerData: data, transferList: [handover.port2] });
    const messages: any[] = [];
    thread.on('message', (m) => messages.push(m));
    try {
      const token = randomBytes(32).toString('base64url');
      thread.postMessage({ type: 'token', token });
      await waitUntil(() => messages.some((m) => m.type === 'listening'), 10_000);
      await expectControlAppUp({ port: messages.find((m) => m.type === 'listening').port, token });
    } finally {
      await thread.terminate();
    }
  });
});

/** The bundled worker's control thread runs with a V8 code cache next to its bundle; a bad cache must never keep it from booting. */
describe('worker boot with the code cache', () => {
  let sound: Buffer;

  beforeAll(async () => {
    rmSync(CACHE, { force: true });
    sound = await bootAndWaitForNewCache(null);
  });

  it('boots from the cache a previous worker left, and leaves it as it was', async () => {
    const worker = await bootWorker();
    try {
      await expectControlAppUp(worker);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(readCache()!.equals(sound)).toBe(true);
    } finally {
      await stopWorker(worker);
    }
  });

  it.each([
    ['damaged', (cache: Buffer) => Buffer.from(cache).fill(0x5a, cache.length - 4096)],
    ['truncated', (cache: Buffer) => cache.subarray(0, cache.length >> 1)],
    ['not a cache at all', () => Buffer.from('junk')],
  ])('boots with a cache that is %s and replaces it', async (_case, spoil) => {
    const spoilt = spoil(sound);
    writeFileSync(CACHE, spoilt);
    const replaced = await bootAndWaitForNewCache(spoilt);
    // Made for the same bundle and Node: the first line of the file says so.
    const firstLine = (cache: Buffer) => cache.subarray(0, cache.indexOf('\n') + 1).toString('latin1');
    expect(firstLine(replaced)).toBe(firstLine(sound));
    writeFileSync(CACHE, sound);
  });

  it('boots when V8 refuses the cache (other V8 flags) and writes one for those flags', async () => {
    writeFileSync(CACHE, sound);
    const forOtherFlags = await bootAndWaitForNewCache(sound, ['--no-flush-bytecode']);
    expect(forOtherFlags.equals(sound)).toBe(false);
    writeFileSync(CACHE, sound);
  });
});

/**
 * The built control bundle in a thread of its own, with a probe beside it that
 * says whether the thread has loaded `node:crypto` (each thread keeps its own
 * list of Node's modules).
 */
describe('the control thread and node:crypto', () => {
  const PROBE = `
    const { parentPort } = require('node:worker_threads');
    const bundle = require(${JSON.stringify(join(WORKER_APP, CONTROL_BUNDLE))});
    const loaded = () => process.moduleLoadList.includes('NativeModule crypto');
    bundle.warm.then(() => parentPort.postMessage({ type: 'probe', crypto: loaded() }));
    parentPort.on('message', (m) => m?.type === 'probe' && parentPort.postMessage({ type: 'probe', crypto: loaded() }));`;

  it('boots without it, and loads it for the first request that checks a token', async () => {
    const thread = new Worker(PROBE, { eval: true, workerData: { board: new RunBoard().buffer, flags: new RunFlags().buffer } });
    const messages: any[] = [];
    thread.on('message', (m) => messages.push(m));
    try {
      await waitUntil(() => messages.some((m) => m.type === 'probe'), 10_000);
      expect(messages.find((m) => m.type === 'probe')).toEqual({ type: 'probe', crypto: false });

      const token = randomBytes(32).toString('base64url');
      thread.postMessage({ type: 'token', token });
      await waitUntil(() => messages.some((m) => m.type === 'listening'), 10_000);
      const { port } = messages.find((m) => m.type === 'listening');
      await expectControlAppUp({ port, token });

      thread.postMessage({ type: 'probe' });
      await waitUntil(() => messages.filter((m) => m.type === 'probe').length === 2, 10_000);
      expect(messages.filter((m) => m.type === 'probe')[1]).toEqual({ type: 'probe', crypto: true });
    } finally {
      await thread.terminate();
    }
  });
});
