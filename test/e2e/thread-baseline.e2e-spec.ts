import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORKER_APP = join(__dirname, '..', '..', 'dist', 'worker-app');

/**
 * A worker's loader between tasks, on Node's own loader (jest's would
 * not be the one the worker uses): in a process of its own.
 */
const SCENARIO = `
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [workerApp, dir] = process.argv.slice(1);
const { keepCompiledModules } = require(join(workerApp, 'compiled-modules.js'));
const { loadTaskHandler } = require(join(workerApp, 'load-task-handler.js'));
const { ThreadBaseline } = require(join(workerApp, 'thread-baseline.js'));
keepCompiledModules();
writeFileSync(join(dir, 'dependency.js'), 'module.exports = { big: new Array(10000).fill(0) };');
writeFileSync(join(dir, 'handler.js'), "const dependency = require('./dependency'); module.exports = { run: () => dependency.big.length };");
const loader = require.cache[require.resolve(join(workerApp, 'load-task-handler.js'))];
const baseline = new ThreadBaseline();
const before = loader.children.length;
const results = [];
for (let task = 0; task < 50; task++) {
  results.push(loadTaskHandler(join(dir, 'handler.js'))());
  baseline.check() ?? baseline.restore();
}
console.log(JSON.stringify({ added: loader.children.length - before, ran: new Set(results).size, cached: Object.keys(require.cache).filter((id) => id.startsWith(dir)).length }));
`;

/**
 * One task's change to a fresh thread, then what the thread makes of it: the
 * reason it cannot serve again (from the check before the outcome, or the
 * restore after), or null; and whether the changed object is as it was.
 */
const AFTER_ONE_CHANGE = `
const { join } = require('node:path');
const { EventEmitter } = require('node:events');
const [workerApp, change, changed] = process.argv.slice(1);
const { ThreadBaseline } = require(join(workerApp, 'thread-baseline.js'));
const { ObjectSnapshot } = require(join(workerApp, 'object-snapshot.js'));
const baseline = new ThreadBaseline();
const target = new Function('EventEmitter', 'return ' + changed)(EventEmitter);
const snapshot = new ObjectSnapshot(target);
const before = {
  prototype: Object.getPrototypeOf(globalThis), setTimeout: globalThis.setTimeout, process: globalThis.process, Buffer: globalThis.Buffer,
  cwd: process.cwd(), wrap: require('node:module').wrap, maxListeners: EventEmitter.defaultMaxListeners,
};
new Function('EventEmitter', change)(EventEmitter);
const spent = baseline.check() ?? baseline.restore();
// Before \`kept\`, which loads the lazy TextEncoder and so changes the global object.
const back = !snapshot.deepChanged();
const kept = Object.getPrototypeOf(globalThis) === before.prototype && globalThis.setTimeout === before.setTimeout &&
  globalThis.process === before.process && globalThis.Buffer === before.Buffer && new TextEncoder().encode('a')[0] === 97 &&
  process.cwd() === before.cwd && process.exitCode === undefined &&
  require('node:module').wrap === before.wrap && process._exiting === false && EventEmitter.defaultMaxListeners === before.maxListeners;
console.log(JSON.stringify({ spent, back, leftover: Object.getOwnPropertyDescriptor(globalThis, 'leftover') ?? null, kept }));
`;

function afterOneChange(change: string, changed = 'globalThis'): { spent: string | null; back: boolean; leftover: unknown; kept: boolean } {
  return JSON.parse(execFileSync(process.execPath, ['-e', AFTER_ONE_CHANGE, WORKER_APP, change, changed], { encoding: 'utf8' }));
}

describe('the thread that runs handlers, between tasks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thread-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("forgets every module a task loaded, from the cache and from the module that loaded it, so no task's modules stay alive", () => {
    const output = execFileSync(process.execPath, ['-e', SCENARIO, WORKER_APP, dir], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ added: 0, ran: 1, cached: 0 });
  });

  // Values and key counts are read after every task; descriptors only after a task defined a property on a built-in.
  it.each([
    ['Array.prototype.leftover = 1', 'Array.prototype'],
    ['Math.random = () => 4', 'Math'],
    ['delete EventEmitter.prototype._events', 'EventEmitter.prototype'],
    ['delete Array.prototype.toString', 'Array.prototype'],
    ['Map.prototype[Symbol.for("leftover")] = 1', 'Map.prototype'],
    ['Object.setPrototypeOf(Set.prototype, null)', 'Set.prototype'],
    ['Object.defineProperty(Array.prototype, "map", { writable: false })', 'Array.prototype'],
    ['Object.defineProperties(Date, { now: { get: () => Date.prototype.getTime } })', 'Date'],
    ['Buffer.prototype.__defineGetter__("toJSON", function () { return Buffer.prototype.toJSON; })', 'Buffer.prototype'],
    ['const M = require("node:module"); const resolve = M._resolveFilename; M._resolveFilename = (...a) => resolve(...a)', 'require("node:module")'],
    ['require("node:module")._extensions[".ts"] = () => {}', 'require("node:module")._extensions'],
    ['console.log = () => {}', 'console'],
    ['Buffer.poolSize = 1', 'Buffer'],
    ['const M = require("node:module"); const own = M.prototype.require; M.prototype.require = function (id) { return own.call(this, id); }', 'require("node:module").prototype'],
  ])('puts the built-in back after `%s` and serves on', (change, changed) => {
    expect(afterOneChange(change, changed)).toMatchObject({ spent: null, back: true });
  });

  it.each([
    ['Object.freeze(String.prototype)', 'the task made the built-in String non-extensible'],
    ['Reflect.defineProperty(JSON, "leftover", { value: 1 })', 'the task changed the built-in JSON for good'],
    ['Object.defineProperty(globalThis, "leftover", { value: 1 })', 'the task changed a global that cannot be put back'],
    ['Object.preventExtensions(globalThis)', 'the task made the global object non-extensible'],
  ])('does not serve again after `%s`', (change, reason) => {
    expect(afterOneChange(change).spent).toBe(reason);
  });

  it.each([
    'globalThis.leftover = 1',
    'leftover = 1',
    'Object.defineProperty(globalThis, "leftover", { value: 1, configurable: true })',
    'globalThis.setTimeout = null',
    // Node keeps these two in closures of its own: their descriptors do not change.
    'Buffer = 5',
    'globalThis.process = {}',
    // A lazy global, loaded by the assignment and turned into a value.
    'globalThis.TextEncoder = null',
    // A lazy global read for the first time turns itself into a value.
    'void globalThis.Blob',
    'delete globalThis.Blob',
    // Process-wide settings, not properties.
    'process.chdir(require("node:os").tmpdir())',
    'process.exitCode = 3',
    // Node's module loader keeps its wrapper in a closure too, behind an accessor that cannot be redefined.
    'require("node:module").wrap = (script) => script',
    'process._exiting = true',
    'EventEmitter.defaultMaxListeners = 100',
    'Object.setPrototypeOf(globalThis, Object.create(Object.getPrototypeOf(globalThis)))',
  ])(
    'puts the globals back after `%s` and serves on',
    (change) => {
      expect(afterOneChange(change)).toEqual({ spent: null, back: true, leftover: null, kept: true });
    },
  );
});
