import { EventEmitter } from 'node:events';
import Module = require('node:module');
import { AccessorWatch } from './accessor-watch';
import { DefineWatch } from './define-watch';
import { ObjectSnapshot } from './object-snapshot';
import { WorkingDirectory } from './working-directory';

/**
 * What the thread that runs handlers (a worker's main thread) looks like
 * before its first task. After each task, what can be put back is put back
 * (its modules leave the require cache; its globals, the built-ins' own
 * properties and environment variables are undone), so the next task's
 * handler starts fresh. What cannot be (open sockets and other handles,
 * process listeners, a frozen built-in, a property defined for good) is
 * reported, and the process is replaced instead of reused. Timers are
 * cleared before, by the TimerLedger.
 *
 * In two steps, so that little of it delays the task's outcome: `check`,
 * before the outcome is reported, finds what cannot be undone (cheap, but
 * for a task that defined properties on a built-in or the global object);
 * `restore`, after it has left and before the next task is read, undoes the
 * rest, which cannot fail once `check` has passed.
 */

/**
 * Built-ins a handler could patch; their own properties are compared after
 * each task. The typed arrays' methods live on their shared prototype, and
 * every stream and emitter in the thread inherits EventEmitter's.
 */
const INTRINSICS: object[] = [
  Object, Object.prototype, Function.prototype, Array, Array.prototype, String, String.prototype,
  Number, Number.prototype, Boolean.prototype, Symbol, Symbol.prototype, BigInt.prototype,
  Promise, Promise.prototype, Map.prototype, Set.prototype, WeakMap.prototype, WeakSet.prototype,
  Date, Date.prototype, RegExp.prototype, Error, Error.prototype, JSON, Math, Reflect,
  Buffer, Buffer.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype), ArrayBuffer.prototype,
  EventEmitter, EventEmitter.prototype,
  // Node's own, which libraries patch as they load: `console.log` (loggers), `EventEmitter.defaultMaxListeners`,
  // the module loader's `_resolveFilename` (module-alias, tsconfig-paths), `_extensions` (ts-node,
  // @babel/register), `Module.prototype.require` (APM agents). Each task loads its modules afresh: left in
  // place, every task would wrap the last one's wrapper again. Not `process`: V8 keeps its 80 properties in
  // a dictionary, and reading them all after each task cost a worker more than every other check together.
  console,
  Module,
  Module.prototype,
  (Module as unknown as { _extensions: object })._extensions,
];

export class ThreadBaseline {
  /** Installed before the snapshots below are taken, so they show its definers. */
  private readonly defines = installDefineWatch();
  /**
   * Node's accessors, wrapped before the snapshots are taken, so that they hold the wrappers. `process` has
   * no snapshot, so only its setters. Not the module loader's two configurable ones (`_stat`, `_readPackage`,
   * internal hooks): redefining an accessor turns `Module` into a slow dictionary of properties, and every
   * `require` of every task reads it.
   */
  private readonly accessors = new Map<object, AccessorWatch>([
    [globalThis, new AccessorWatch(globalThis)],
    [process, new AccessorWatch(process, 'setters')],
    [Module, new AccessorWatch(Module, 'none')],
    [EventEmitter, new AccessorWatch(EventEmitter)],
    [console, new AccessorWatch(console)],
  ]);
  private readonly modules = new Set(Object.keys(require.cache));
  /** Node lists every module a module loads in its `children`, and never takes one out. */
  private readonly childCounts = new Map(Object.values(require.cache).map((module) => [module!, module!.children.length]));
  private readonly globals = new ObjectSnapshot(globalThis);
  private readonly env = { ...process.env };
  private readonly envGuard = this.guardEnv();
  private envWritten = false;
  private readonly intrinsics = INTRINSICS.map((target) => new ObjectSnapshot(target));
  private readonly workingDirectory = new WorkingDirectory();
  private readonly resources = openResources().length;
  private readonly processEvents = listenerCounts();
  /** The last task defined a property on a watched object, and `check` has put them all back already. */
  private putBackEarly = false;

  /** Why the thread cannot serve again after the last task, or null when it can once `restore` has run. */
  check(): string | null {
    this.putBackEarly = this.defines.take();
    // First: the checks below, and the worker's code after them, use the `process` global, which a task may have assigned.
    const unknownWrites = [...this.accessors.values()].map((watch) => watch.undo()).filter((key) => key !== null);
    return (
      (unknownWrites.length ? `the task assigned ${unknownWrites.join(', ')}, whose value before could not be read` : null) ??
      this.workingDirectory.putBack() ??
      this.keptShapes() ??
      // A definition may have made a property that will not go back: found out now, while the outcome can still say so.
      (this.putBackEarly ? this.putBackObjects((snapshot) => snapshot.deepChanged()) : null) ??
      this.leftResources() ??
      this.changedListeners()
    );
  }

  /** Undoes what the last task changed, after `check` passed; returns what could not be undone, which `check` should have found. */
  restore(): string | null {
    this.forgetModules();
    this.restoreEnv();
    // Only Node's accessors change by themselves, and their watch says when; the built-ins' change only through a
    // definition. (After a definition, `check` compared every descriptor: a flag left set costs one more compare.)
    return this.putBackEarly ? null : this.putBackObjects((snapshot) => snapshot.quickChanged(this.accessors.get(snapshot.target)?.takeTouched() ?? false));
  }

  private forgetModules(): void {
    for (const id of Object.keys(require.cache)) if (!this.modules.has(id)) delete require.cache[id];
    // Else the module that loaded the handler would keep every task's module graph alive.
    for (const [module, count] of this.childCounts) module.children.length = count;
  }

  /**
   * Reading every variable back after each task costs more than a small task
   * itself: writes to process.env are noticed instead, and only then is it put back.
   */
  private guardEnv(): NodeJS.ProcessEnv {
    const mark = <T>(result: T): T => ((this.envWritten = true), result);
    const guard = new Proxy(process.env, {
      set: (target, key, value) => mark(Reflect.set(target, key, value)),
      deleteProperty: (target, key) => mark(Reflect.deleteProperty(target, key)),
      defineProperty: (target, key, descriptor) => mark(Reflect.defineProperty(target, key, descriptor)),
    });
    process.env = guard;
    return guard;
  }

  private restoreEnv(): void {
    if (process.env !== this.envGuard) {
      process.env = this.envGuard;
      this.envWritten = true;
    }
    if (!this.envWritten) return;
    const env = this.envGuard;
    for (const key of Object.keys(env)) if (!(key in this.env)) delete env[key];
    for (const [key, value] of Object.entries(this.env)) if (env[key] !== value) env[key] = value;
    this.envWritten = false;
  }

  /** Prototypes put back; null when every watched object can still be put back, else why not. */
  private keptShapes(): string | null {
    if (!this.globals.keepShape()) return 'the task made the global object non-extensible';
    for (const snapshot of this.intrinsics) if (!snapshot.keepShape()) return `the task made the built-in ${nameOf(snapshot.target)} non-extensible`;
    return null;
  }

  /** Puts back the globals and built-ins that `changed` says a task changed, once their shapes are kept; null when all went back, else why not. */
  private putBackObjects(changed: (snapshot: ObjectSnapshot) => boolean): string | null {
    if (changed(this.globals) && !this.globals.putBack()) return 'the task changed a global that cannot be put back';
    for (const snapshot of this.intrinsics) {
      if (changed(snapshot) && !snapshot.putBack()) return `the task changed the built-in ${nameOf(snapshot.target)} for good`;
    }
    return null;
  }

  private leftResources(): string | null {
    const now = openResources();
    return now.length > this.resources ? `the task left ${now.join(', ')} open` : null;
  }

  private changedListeners(): string | null {
    const now = listenerCounts();
    const changed = now.size !== this.processEvents.size || [...now].some(([event, count]) => this.processEvents.get(event) !== count);
    return changed ? 'the task left process listeners behind' : null;
  }
}

/**
 * Without the worker's own IPC writes still in flight (a message the
 * supervisor has yet to read): those end by themselves. A task's own pending
 * socket write comes with its socket, which is counted.
 */
function openResources(): string[] {
  return process.getActiveResourcesInfo().filter((resource) => resource !== 'WriteWrap');
}

function listenerCounts(): Map<string | symbol, number> {
  return new Map(process.eventNames().map((event) => [event, process.listenerCount(event)]));
}

/** Array for Array and Array.prototype, JSON for JSON; read with care, since the object may be what the task changed. */
function nameOf(target: object): string {
  try {
    const { name, [Symbol.toStringTag]: tag, constructor } = target as { name?: unknown; [Symbol.toStringTag]?: unknown; constructor?: { name?: unknown } };
    const found = [name, tag, constructor?.name].find((candidate) => typeof candidate === 'string' && candidate !== '');
    return (found as string | undefined) ?? 'object';
  } catch {
    return 'object';
  }
}

function installDefineWatch(): DefineWatch {
  const watch = new DefineWatch();
  watch.install();
  for (const target of [globalThis, ...INTRINSICS]) watch.watch(target);
  return watch;
}
