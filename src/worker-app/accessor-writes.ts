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
 * Assignments through an object's own setters, and a way to undo them.
 *
 * Node's `process` and `Buffer` globals are accessors whose setter keeps the
 * assigned value in a closure: after `Buffer = 5` the property's descriptor
 * is the same, so no snapshot of descriptors or values sees the change, and
 * the next task would get 5. Each setter is wrapped, before any task runs,
 * so that the first assignment in a task keeps the value it replaces, read
 * through the getter; `undo` hands it back to the original setter. The other
 * setters (Node's lazy globals) turn their property into a value instead,
 * which the snapshot puts back; handing them their old value first does no
 * harm, since the snapshot puts their accessor back after it.
 */
export class AccessorWrites {
  private readonly written = new Map<PropertyKey, Written>();

  constructor(private readonly target: object) {
    for (const key of ownKeys(target)) {
      const descriptor = getOwnPropertyDescriptor(target, key)!;
      if (descriptor.set && descriptor.configurable) this.wrap(key, descriptor);
    }
  }

  /** Gives every setter called since the last call the value it replaced; names one whose value could not be read, else null. */
  undo(): string | null {
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
