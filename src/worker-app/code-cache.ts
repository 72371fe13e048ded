import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Script } from 'node:vm';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { compileCommonJs, runCommonJs } from './commonjs-script';

/**
 * How a file compiled: with the code cache (`accepted`), or from source
 * because there was none (`missing`), it was for another bundle, Node or a
 * damaged file (`stale`), or V8 refused it, e.g. other V8 flags (`rejected`).
 */
export type CacheUse = 'accepted' | 'missing' | 'stale' | 'rejected';

export interface CachedModule {
  exports: unknown;
  cache: CacheUse;
  /** Writes the code cache of everything compiled so far; false when it could not (say, a read-only directory). */
  saveCache(): boolean;
}

type Checksum = (...parts: (string | Buffer)[]) => string;

/**
 * CRC-32, as Node's own compile cache keys and checks its files: enough to
 * tell a rebuilt bundle or a damaged cache from the one written, and it needs
 * no crypto module, which nothing else in a booting control thread loads
 * (about 5 ms of each cold boot). Node before 20.15 has no `zlib.crc32` and
 * hashes with SHA-1 instead; the key names the Node version, so a cache is
 * only ever read by the Node that wrote it. Chosen, and zlib loaded, on first
 * use: a control thread handed its bundle already checked needs neither.
 */
let checksumOf: Checksum | undefined;
const checksum: Checksum = (...parts) => (checksumOf ??= chooseChecksum())(...parts);

function chooseChecksum(): Checksum {
  const zlib = require('node:zlib') as typeof import('node:zlib');
  if (typeof zlib.crc32 === 'function') return (...parts) => parts.reduce<number>((crc, part) => zlib.crc32(part, crc), 0).toString(16).padStart(8, '0');
  return (...parts) => {
    const hash = (require('node:crypto') as typeof import('node:crypto')).createHash('sha1');
    for (const part of parts) hash.update(part);
    return hash.digest('hex');
  };
}

/** A file's bytes, keyed, and its code cache checked against that key: all that compiling needs. */
export interface SourceAndCache {
  bytes: Uint8Array;
  key: string;
  /** Undefined without a cache file, null when the file is not a sound cache for this key. */
  cached: Uint8Array | null | undefined;
}

export interface CodeCacheOptions {
  cacheFile?: string;
  /** Where the source and cache come from, when not from reading them now (see passSourceAndCache). */
  source?: () => SourceAndCache;
}

/**
 * Runs a CommonJS file as `require` would, compiled with a V8 code cache kept
 * next to it. Compiling a bundle is a large part of a cold start; with the
 * cache V8 reuses the bytecode of every function a previous run compiled.
 *
 * V8 checks a cache only against its own version, its flags and the length of
 * the source; it trusts the rest. So the file names what it was made from
 * (Node, and the source by its checksum) and carries a checksum of its data: a cache for
 * another bundle, or one torn or damaged on disk, is never handed to V8.
 */
export function requireWithCodeCache(file: string, { cacheFile = `${file}.v8-cache`, source }: CodeCacheOptions = {}): CachedModule {
  const { script, key, cache } = compileWithCodeCache(file, source ?? (() => readSourceAndCache(file, cacheFile)));
  const module = { exports: {} as unknown };
  runCommonJs(script, module, file);
  return { exports: module.exports, cache, saveCache: () => writeCache(cacheFile, key, script.createCachedData()) };
}

/**
 * Apart from running: the file and its cache as read (1.4 MB for the control
 * bundle, outside V8's heap) are unreachable before the bundle runs, so the
 * first minor collection of its boot frees them. Kept until it had run, they
 * were old enough to wait for a full collection, about 8 s into idleness.
 */
function compileWithCodeCache(file: string, read: () => SourceAndCache): { script: Script; key: string; cache: CacheUse } {
  const { bytes, key, cached } = read();
  const script = compileCommonJs(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), file, cached ?? undefined);
  const cache: CacheUse = cached === undefined ? 'missing' : cached === null ? 'stale' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { script, key, cache };
}

export function readSourceAndCache(file: string, cacheFile = `${file}.v8-cache`): SourceAndCache {
  // Hashed as read: hashing the decoded string would encode it back first, five times the cost.
  const bytes = readFileSync(file);
  const key = checksum(`${process.version} ${process.arch}\n`, bytes);
  return { bytes, key, cached: readCache(cacheFile, key) };
}

/**
 * A worker's main thread reads and checks its control thread's bundle while
 * that thread starts (Node takes tens of milliseconds to start one), and
 * hands both over: the thread, on a cold boot's critical path, then neither
 * reads, nor loads zlib, nor checks. Whatever goes wrong here, the thread
 * reads the files itself, and meets the same trouble there.
 */
export function passSourceAndCache(port: MessagePort, file: string): void {
  try {
    const read = readSourceAndCache(file);
    // Moved, not copied, so that this thread keeps no garbage of them; but a small file's bytes may be in
    // Node's buffer pool, which is shared, and Node pools nothing of half its size or more.
    const own = [read.bytes, read.cached].filter((view) => view && view.byteLength >= Buffer.poolSize >>> 1).map((view) => view!.buffer as ArrayBuffer);
    port.postMessage(read, own);
  } catch {
    // The thread reads the file itself.
  } finally {
    port.close();
  }
}

/** What passSourceAndCache handed over, if it came before the thread asked. */
export function takeSourceAndCache(port: MessagePort): SourceAndCache | undefined {
  const message = receiveMessageOnPort(port)?.message as SourceAndCache | undefined;
  port.close();
  return message?.bytes instanceof Uint8Array && typeof message.key === 'string' ? message : undefined;
}

/** The cached data; undefined without a cache file, null when the file is not a sound cache for this key. */
function readCache(cacheFile: string, key: string): Buffer | null | undefined {
  let file: Buffer;
  try {
    file = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  // `<key>\n<checksum of the data>\n<V8 code cache>`, the two checksums of one length.
  const headerLength = 2 * (key.length + 1);
  const header = file.subarray(0, headerLength).toString('latin1');
  const data = file.subarray(headerLength);
  if (header !== `${key}\n${checksum(data)}\n`) return null;
  return data;
}

/** Through a file of its own and a rename: workers booting together never read a half-written cache. */
function writeCache(cacheFile: string, key: string, data: Buffer): boolean {
  const partial = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, Buffer.concat([Buffer.from(`${key}\n${checksum(data)}\n`, 'latin1'), data]));
    renameSync(partial, cacheFile);
    return true;
  } catch {
    try {
      unlinkSync(partial);
    } catch {
      // Never written.
    }
    return false;
  }
}
