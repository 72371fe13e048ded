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
 * before `_compile` is called; ES modules never come this way.
 */
export function keepCompiledModules(): void {
  const compiled = new Map<string, { source: string; script: Script }>();
  const prototype = Module.prototype as unknown as { _compile: CompileMethod };
  prototype._compile = function (this: Module, content: string, filename: string) {
    let entry = compiled.get(filename);
    if (entry?.source !== content) compiled.set(filename, (entry = { source: content, script: compileCommonJs(content, filename) }));
    return runCommonJs(entry.script, this, filename);
  };
}
