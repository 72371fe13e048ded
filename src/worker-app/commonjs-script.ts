import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { constants, Script, type ScriptOptions } from 'node:vm';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => unknown;

/**
 * A CommonJS file's source compiled as the CommonJS loader wraps it, so the
 * file sees the same five free variables, and `import()` inside it resolves
 * as it would in a required file (where this Node offers that: 20.11 has no
 * `vm.constants`).
 */
export function compileCommonJs(source: string, filename: string, cachedData?: Uint8Array): Script {
  const options: ScriptOptions = {
    filename,
    cachedData,
    importModuleDynamically: (constants as Partial<typeof constants> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  };
  // Node drops a leading `#!` line before it compiles a module.
  const body = source.startsWith('#!') ? '//' + source.slice(2) : source;
  return new Script(`(function (exports, require, module, __filename, __dirname) { ${body}\n});`, options);
}

/**
 * Runs a compiled file as `require` would: `this` is its exports, and its
 * `require` resolves from its folder (by default one made for the file, for
 * a file that is not a module of the loader).
 */
export function runCommonJs(script: Script, module: { exports: unknown }, filename: string, require: NodeJS.Require = createRequire(filename)): unknown {
  const wrapper = script.runInThisContext({ displayErrors: true }) as Wrapper;
  return wrapper.call(module.exports, module.exports, require, module, filename, dirname(filename));
}
