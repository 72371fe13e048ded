/** The definers of one realm: the worker main thread's own, or, in a test, a vm context's. */
export interface Definers {
  Object: ObjectConstructor;
  Reflect: typeof Reflect;
}

type Definer = (...args: any[]) => unknown;

/**
 * Notices property definitions on watched objects (the built-ins and the
 * global object of the worker's main thread). Reading every descriptor of those
 * back after each task costs more than a small task itself; values and key
 * counts, which are cheap to read, show what assignment and `delete` do. What
 * only a definition can do goes through these five functions, which are
 * wrapped at install, before any task code runs; after a definition on a
 * watched object, every descriptor is compared.
 *
 * Not noticed: definers taken from another realm (a `vm` context's
 * `Object.defineProperty` applied to this realm's built-ins).
 */
export class DefineWatch {
  private readonly watched = new WeakSet<object>();
  private defined = false;

  watch(target: object): void {
    this.watched.add(target);
  }

  /** Whether a watched object had a property defined since the last call. */
  take(): boolean {
    const defined = this.defined;
    this.defined = false;
    return defined;
  }

  install(realm: Definers = globalThis): void {
    const note = (target: unknown) => {
      if (this.watched.has(target as object)) this.defined = true;
    };
    const { Object: object, Reflect: reflect } = realm;
    // Bound functions print as native code, as the originals do: libraries that feature-test them keep their fast path.
    const statically = (owner: object, name: string) => {
      const original = (owner as Record<string, Definer>)[name];
      const wrapper = ((target: unknown, ...rest: unknown[]) => (note(target), original(target, ...rest))).bind(null);
      replace(owner, name, wrapper, original);
    };
    statically(object, 'defineProperty');
    statically(object, 'defineProperties');
    statically(reflect, 'defineProperty');
    // The legacy accessor definers take their target as `this`, which a bound function cannot see.
    for (const name of ['__defineGetter__', '__defineSetter__']) {
      const original = (object.prototype as unknown as Record<string, Definer>)[name];
      replace(object.prototype, name, function (this: unknown, ...args: unknown[]) {
        note(this);
        return original.apply(this, args);
      }, original);
    }
  }
}

/** Puts `wrapper` where `original` was, with the original's name, length and attributes. */
function replace(owner: object, name: string, wrapper: Definer, original: Definer): void {
  Reflect.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Reflect.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  Reflect.defineProperty(owner, name, { ...Reflect.getOwnPropertyDescriptor(owner, name), value: wrapper });
}
