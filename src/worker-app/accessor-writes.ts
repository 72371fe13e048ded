// Taken when this module loads, before a task could replace them.
const { defineProperty, getOwnPropertyDescriptor, ownKeys } = Reflect;

type Getter = (this: unknown) => unknown;
type Setter = (this: unknown, value: unknown) => void;

interface Written {
  set: Setter;
  /** What the getter returned before the first assignment; absent when it threw. */
  before?: { value: unknown };
}

interface Fixed {
  get: Getter;
  set: Setter;
  value: unknown;
}

/**
 * Assignments through an object's own setters, and a way to undo them.
 *
 * Some of Node's accessors keep the assigned value in a closure: `process`
 * and `Buffer` on the global object, `process.exitCode`, `Module.wrap`.
 * After `Buffer = 5` the property's descriptor is the same, so no snapshot of
 * descriptors or values sees the change, and the next task would get 5.
 *
 * A configurable setter is wrapped, before any task runs, so that the first
 * assignment in a task keeps the value it replaces, read through the getter;
 * `undo` hands it back to the original setter. Most such setters (Node's lazy
 * globals) turn their property into a value instead, which the snapshot puts
 * back; handing them their old value first does no harm, since the snapshot
 * puts their accessor back after it. A non-configurable accessor cannot be
 * wrapped: its value is read when this is made, and again at each `undo`.
 */
export class AccessorWrites {
  private readonly written = new Map<PropertyKey, Written>();
  private readonly fixed: Fixed[] = [];

  constructor(private readonly target: object) {
    for (const key of ownKeys(target)) {
      const descriptor = getOwnPropertyDescriptor(target, key)!;
      if (!descriptor.set) continue;
      if (descriptor.configurable) this.wrap(key, descriptor);
      else if (descriptor.get) this.fixed.push({ get: descriptor.get, set: descriptor.set, value: descriptor.get.call(target) });
    }
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

  private wrap(key: PropertyKey, descriptor: PropertyDescriptor): void {
    const get = descriptor.get as Getter | undefined;
    const set = descriptor.set as Setter;
    const written = this.written;
    const target = this.target;
    // A method's name, as the original's (`set`, `set Buffer`...): what a handler may print stays the same.
    const wrapper = {
      [set.name](this: unknown, value: unknown) {
        if (!written.has(key)) written.set(key, { set, before: read(get, target) });
        set.call(this, value);
      },
    }[set.name];
    defineProperty(target, key, { ...descriptor, set: wrapper });
  }
}

function read(get: Getter | undefined, target: object): { value: unknown } | undefined {
  try {
    return { value: get?.call(target) };
  } catch {
    return undefined;
  }
}
