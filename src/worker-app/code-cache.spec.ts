import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { passSourceAndCache, readSourceAndCache, requireWithCodeCache, takeSourceAndCache } from './code-cache';

describe('requireWithCodeCache', () => {
  let dir: string;
  let file: string;
  const SOURCE = `
    const { join } = require('node:path');
    function double(x) { return x * 2; }
    module.exports = { doubled: double(21), here: join(__dirname, 'x') === require('node:path').join(__dirname, 'x'), filename: __filename, self: this === exports };
  `;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
    file = join(dir, 'bundle.js');
    writeFileSync(file, SOURCE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cacheFile = () => `${file}.v8-cache`;

  it('runs the file as CommonJS, compiles from source the first time and from its saved cache after', () => {
    const first = requireWithCodeCache(file);
    expect(first.cache).toBe('missing');
    expect(first.exports).toEqual({ doubled: 42, here: true, filename: file, self: true });
    expect(first.saveCache()).toBe(true);

    const second = requireWithCodeCache(file);
    expect(second.cache).toBe('accepted');
    expect(second.exports).toEqual(first.exports);
  });

  it('ignores the cache of an earlier build of the file, even one of the same length', () => {
    requireWithCodeCache(file).saveCache();
    writeFileSync(file, SOURCE.replace('x * 2', 'x + x'));
    const again = requireWithCodeCache(file);
    expect(again.cache).toBe('stale');
    expect(again.exports).toMatchObject({ doubled: 42 });
  });

  it('never hands V8 a damaged or truncated cache', () => {
    requireWithCodeCache(file).saveCache();
    const saved = readFileSync(cacheFile());
    const damaged = Buffer.from(saved);
    damaged[damaged.length - 10] ^= 0xff;
    writeFileSync(cacheFile(), damaged);
    expect(requireWithCodeCache(file)).toMatchObject({ cache: 'stale', exports: { doubled: 42 } });

    writeFileSync(cacheFile(), saved.subarray(0, saved.length / 2));
    expect(requireWithCodeCache(file)).toMatchObject({ cache: 'stale', exports: { doubled: 42 } });

    writeFileSync(cacheFile(), 'junk');
    expect(requireWithCodeCache(file)).toMatchObject({ cache: 'stale', exports: { doubled: 42 } });
  });

  it('compiles from source when V8 refuses a cache that passed its own checks', () => {
    const checksum = (data: string | Buffer) => crc32(data).toString(16).padStart(8, '0');
    const key = checksum(`${process.version} ${process.arch}\n${SOURCE}`);
    const notACodeCache = Buffer.from('not a V8 code cache at all');
    writeFileSync(cacheFile(), Buffer.concat([Buffer.from(`${key}\n${checksum(notACodeCache)}\n`), notACodeCache]));
    const loaded = requireWithCodeCache(file);
    expect(loaded).toMatchObject({ cache: 'rejected', exports: { doubled: 42 } });
    expect(loaded.saveCache()).toBe(true);
    expect(requireWithCodeCache(file).cache).toBe('accepted');
  });

  it('reports, without throwing, a cache it cannot write', () => {
    if (process.getuid?.() === 0) {
      // root writes into read-only directories: a path under a file fails for everyone.
      expect(requireWithCodeCache(file, { cacheFile: join(file, 'cache') }).saveCache()).toBe(false);
      return;
    }
    chmodSync(dir, 0o500);
    try {
      expect(requireWithCodeCache(file).saveCache()).toBe(false);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('keys and checks with SHA-1 on a Node without zlib.crc32 (before 20.15)', () => {
    let older!: typeof requireWithCodeCache;
    jest.isolateModules(() => {
      jest.doMock('node:zlib', () => ({ ...jest.requireActual('node:zlib'), crc32: undefined }));
      older = (require('./code-cache') as typeof import('./code-cache')).requireWithCodeCache;
      // The checksum is chosen on first use: while zlib, as this test has it, has no crc32.
      expect(older(file).saveCache()).toBe(true);
    });
    jest.dontMock('node:zlib');
    expect(readFileSync(cacheFile(), 'latin1')).toMatch(/^[0-9a-f]{40}\n[0-9a-f]{40}\n/);
    expect(older(file)).toMatchObject({ cache: 'accepted', exports: { doubled: 42 } });
    // And the other way round: a Node with CRC-32 never reads it as its own.
    expect(requireWithCodeCache(file).cache).toBe('stale');
  });

  it('compiles and runs a source handed over, with its cache, without reading the file', () => {
    requireWithCodeCache(file).saveCache();
    const read = readSourceAndCache(file);
    rmSync(file);
    const loaded = requireWithCodeCache(file, { source: () => read });
    expect(loaded).toMatchObject({ cache: 'accepted', exports: { doubled: 42, filename: file } });
  });

  it.each([
    ['small enough for Node to pool, so copied', '', 0],
    ['large, so moved', `// ${'x'.repeat(Buffer.poolSize)}\n`, 1],
  ])('hands a source over between threads, once (a file %s): a port that got nothing gives nothing', (_, padding, moved) => {
    writeFileSync(file, padding + SOURCE);
    requireWithCodeCache(file).saveCache();
    const channel = new MessageChannel();
    const post = jest.spyOn(channel.port1, 'postMessage');
    passSourceAndCache(channel.port1, file);
    // The bytes moved (this thread's buffer is left empty); the cache of so small a source is copied.
    const transferred = post.mock.calls[0][1] as ArrayBuffer[];
    expect(transferred).toHaveLength(moved);
    expect(transferred.every((buffer) => buffer.byteLength === 0)).toBe(true);
    const received = takeSourceAndCache(channel.port2)!;
    const { bytes, key } = readSourceAndCache(file);
    expect(Buffer.from(received.bytes).equals(bytes)).toBe(true);
    expect(received.key).toBe(key);
    expect(requireWithCodeCache(file, { source: () => received })).toMatchObject({ cache: 'accepted', exports: { doubled: 42 } });
    expect(takeSourceAndCache(channel.port2)).toBeUndefined();

    const nothing = new MessageChannel();
    passSourceAndCache(nothing.port1, join(dir, 'no-such-bundle.js'));
    expect(takeSourceAndCache(nothing.port2)).toBeUndefined();
  });

  it('surfaces an error the file throws as it loads', () => {
    writeFileSync(file, 'throw new Error("boom")');
    expect(() => requireWithCodeCache(file)).toThrow('boom');
  });
});
