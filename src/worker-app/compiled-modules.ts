import Module = require('node:module');
import type { Script } from 'node:vm';
import { compileCommonJs, runCommonJs } from './commonjs-script';

type CompileMethod = (this: Module, content: string, filename: string) => unknown;

/**
 * A task's modules leave the require cache when it ends, so the next task
 * evaluates them afresh and no module-level state carries over. Compiling
 * them afresh as well would cost more than a small task itself (and far more
 * for a handler with dependencies): the handler thread keeps each module's
 * compiled code, keyed by its file and checked against its source, and only
 * runs it again. Node has read the file and checked that it is CommonJS
 * before `_compile` is called; ES modules never come this way. The module's
 * `require` is made as Node's loader makes it.
 */
export function keepCompiledModules(): void {
  const compiled = new Map<string, { source: string; script: Script }>();
  const prototype = Module.prototype as unknown as { _compile: CompileMethod };
  prototype._compile = function (this: Module, content: string, filename: string) {
    let entry = compiled.get(filename);
    if (entry?.source !== content) compiled.set(filename, (entry = { source: content, script: compileCommonJs(content, filename) }));
    return runCommonJs(entry.script, this, filename, requireOf(this));
  };
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
