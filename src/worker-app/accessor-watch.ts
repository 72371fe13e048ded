// Taken when this module loads, before a task could replace them.
const { defineProperty, getOwnPropertyDescriptor, ownKeys } = Reflect;

type Getter = (this: unknown) => unknown;
type Setter = (this: unknown, value: unknown) => void;

interface Written {
  set: Setter;
  /** What the getter returned before the first assignment; absent when it threw. */
  before?: { value: unknown };
}

/**
 * Which of the configurable accessors' functions are wrapped: the getters
 * only serve to say when a snapshot must compare descriptors, so an object
 * that has none needs only its setters wrapped, and redefining an accessor
 * can cost an object its fast properties (`none`).
 */
export type Wrapping = 'getters and setters' | 'setters' | 'none';

interface Fixed {
  get: Getter;
  set: Setter;
  value: unknown;
}

/**
 * Watches the accessors Node puts on its own objects (the global object,
 * `process`, `console`...), which change in two ways no definition shows.
 *
 * Some keep the value assigned to them in a closure: `process` and `Buffer`
 * on the global object, `process.exitCode`, `Module.wrap`. After
 * `Buffer = 5` the descriptor is the same, so no snapshot sees the change,
 * and the next task would get 5. A configurable setter is wrapped, before
 * any task runs, so that the first assignment in a task keeps the value it
 * replaces, read through the getter; `undo` hands it back to the original
 * setter. A non-configurable accessor cannot be wrapped: its value is read
 * when this is made, and again at each `undo`.
 *
 * The others are Node's lazy globals (`fetch`, `performance`...), which turn
 * themselves into values the first time they are read or assigned. Their
 * getters are wrapped too, and look, on their first call, whether the
 * property is still theirs; Node's getters turn their property into a value
 * on their first call only. So `touched` tells when a descriptor may have
 * changed, and comparing every descriptor after each task (one object
 * allocated per accessor, most of the cost of checking the global object)
 * is needed only then.
 */
export class AccessorWatch {
  private readonly written = new Map<PropertyKey, Written>();
  private readonly fixed: Fixed[] = [];
  private touched = false;

  constructor(
    private readonly target: object,
    wrapping: Wrapping = 'getters and setters',
  ) {
    for (const key of ownKeys(target)) {
      const descriptor = getOwnPropertyDescriptor(target, key)!;
      if ('value' in descriptor) continue;
      if (descriptor.configurable) {
        if (wrapping !== 'none') this.wrap(key, descriptor, wrapping === 'getters and setters');
      } else if (descriptor.get && descriptor.set) this.fixed.push({ get: descriptor.get, set: descriptor.set, value: descriptor.get.call(target) });
    }
  }

  /** Whether, since the last call, an accessor was assigned or turned its property into a value. */
  takeTouched(): boolean {
    const touched = this.touched;
    this.touched = false;
    return touched;
  }

  /** Gives every setter called since the last call the value it replaced; names one whose value could not be read, else null. */
  undo(): string | null {
    for (const { get, set, value } of this.fixed) if (get.call(this.target) !== value) set.call(this.target, value);
    if (this.written.size === 0) return null;
    let unknown: PropertyKey | null = null;
    for (const [key, { set, before }] of this.written) {
      if (before) set.call(this.target, before.value);
      else unknown = key;
    }
    this.written.clear();
    return unknown === null ? null : String(unknown);
  }

  private wrap(key: PropertyKey, descriptor: PropertyDescriptor, getters: boolean): void {
    const get = descriptor.get as Getter | undefined;
    const set = descriptor.set as Setter | undefined;
    const { target, written } = this;
    const touch = () => (this.touched = true);
    const wrapped: PropertyDescriptor = { ...descriptor };
    let read = false;
    // Methods named as the originals (`get`, `get fetch`...): what a handler may print stays the same.
    if (get && getters) {
      wrapped.get = {
        [get.name](this: unknown) {
          const value = get.call(this);
          if (!read) {
            read = true;
            if (getOwnPropertyDescriptor(target, key)?.get !== wrapped.get) touch();
          }
          return value;
        },
      }[get.name];
    }
    if (set) {
      wrapped.set = {
        [set.name](this: unknown, value: unknown) {
          if (!written.has(key)) written.set(key, { set, before: readThrough(get, target) });
          touch();
          set.call(this, value);
        },
      }[set.name];
    }
    defineProperty(target, key, wrapped);
  }
}

function readThrough(get: Getter | undefined, target: object): { value: unknown } | undefined {
  try {
    return { value: get?.call(target) };
  } catch {
    return undefined;
  }
}
