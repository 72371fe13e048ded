import { statSync, type BigIntStats } from 'node:fs';
import Module = require('node:module');
import type { Script } from 'node:vm';
import { compileCommonJs, runCommonJs } from './commonjs-script';

/**
 * File times come from a coarse clock: a file rewritten within the same few
 * milliseconds, at the same size, would look unchanged. A file changed this
 * recently is read again on every load until it is older (as git treats a
 * "racily clean" file).
 */
const RECENT_CHANGE_MS = 1000;

/**
 * A `stat` is a system call, one for every module of every task: on small
 * virtual machines 4 to 20 µs each, a fifth of a no-op task's cycle in its
 * worker and nearly half of one whose handler has 40 small dependencies. A
 * file found unchanged is taken as unchanged, without a `stat`, for this
 * long after: an edit reaches every task that starts this long after it.
 */
const UNCHANGED_FOR_MS = 250;

type CompileMethod = (this: Module, content: string, filename: string) => unknown;
type Extension = (this: unknown, module: Module, filename: string) => unknown;

interface CompiledModule {
  source: string;
  script: Script;
  /** The file as it was before Node read this source; unknown for a source compiled some other way. */
  file?: BigIntStats;
  /** performance.now() when the file was last seen as `file` says. */
  seenAt: number;
}

/**
 * A task's modules leave the require cache when it ends, so the next task
 * evaluates them afresh and no module-level state carries over. Compiling
 * them afresh as well would cost more than a small task itself (and far more
 * for a handler with dependencies): the worker keeps each module's compiled
 * code, keyed by its file and checked against its source, and only runs it
 * again. Reading the file again is skipped too while its size, times and
 * inode are those it had when last read (and its last change is not too
 * recent to tell), and so is the `stat` that tells, for UNCHANGED_FOR_MS after
 * the last; else Node reads and checks it (is it CommonJS?) as usual.
 * ES modules never come this way. The module's `require` is made as Node's
 * loader makes it.
 */
export function keepCompiledModules(): void {
  const compiled = new Map<string, CompiledModule>();
  /** The stat the `.js` loader took before it let Node read the file, for `_compile` to record. */
  let fileBeforeRead: BigIntStats | undefined;
  let fileSeenAt = 0;

  const extensions = (Module as Loader)._extensions as unknown as Record<string, Extension>;
  const readAndCompile = extensions['.js'];
  extensions['.js'] = function (module, filename) {
    const entry = compiled.get(filename);
    const now = performance.now();
    if (entry?.file && now - entry.seenAt < UNCHANGED_FOR_MS) return runCommonJs(entry.script, module, filename, requireOf(module));
    const file = statSync(filename, { bigint: true, throwIfNoEntry: false });
    if (file && entry?.file && sameFile(entry.file, file)) {
      entry.seenAt = now;
      return runCommonJs(entry.script, module, filename, requireOf(module));
    }
    fileBeforeRead = file;
    fileSeenAt = now;
    try {
      return readAndCompile.call(this, module, filename);
    } finally {
      // Should Node refuse the file before compiling it (an ES module), the stat goes with it.
      fileBeforeRead = undefined;
    }
  };

  const prototype = Module.prototype as unknown as { _compile: CompileMethod };
  prototype._compile = function (this: Module, content: string, filename: string) {
    // Taken now: running the module loads others, through the loader above.
    const file = fileBeforeRead;
    const seenAt = fileSeenAt;
    fileBeforeRead = undefined;
    let entry = compiled.get(filename);
    if (entry?.source !== content) compiled.set(filename, (entry = { source: content, script: compileCommonJs(content, filename), seenAt: 0 }));
    entry.file = file && Date.now() - Number(file.ctimeMs) > RECENT_CHANGE_MS ? file : undefined;
    entry.seenAt = seenAt;
    return runCommonJs(entry.script, this, filename, requireOf(this));
  };
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

type Loader = typeof Module & {
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: Module): string[] | null;
  _cache: NodeJS.Require['cache'];
  _extensions: NodeJS.Require['extensions'];
};

/**
 * The `require` Node's loader gives a module: it loads through the module
 * itself, so what it loads records it as parent and appears in its children.
 */
function requireOf(module: Module): NodeJS.Require {
  const loader = Module as Loader;
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.cache = loader._cache;
  require.extensions = loader._extensions;
  return require;
}
