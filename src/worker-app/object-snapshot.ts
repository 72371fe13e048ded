/**
 * An object's own properties as they were when taken, and two ways to tell
 * whether they still are.
 *
 * `quickChanged` reads values, not descriptors, so it costs a fraction of a
 * full comparison and allocates almost nothing. It sees what assignment,
 * `delete`, freezing and a new prototype do: assignment adds enumerable
 * properties (counted) or replaces values (compared), and any new symbol key
 * is counted. What only a property definition can do (change an attribute,
 * add a non-enumerable property, turn a value into an accessor) it leaves to
 * `deepChanged`, which compares every descriptor; a DefineWatch tells the
 * caller when that is needed.
 */
export class ObjectSnapshot {
  readonly descriptors = new Map<PropertyKey, PropertyDescriptor>();
  readonly prototype: object | null;
  private readonly enumerableCount: number;
  private readonly symbolCount: number;
  private readonly dataKeys: PropertyKey[] = [];
  private readonly dataValues: unknown[] = [];
  /**
   * Compared by descriptor, never called. Node's lazy globals turn themselves
   * into values through their own setters, which no DefineWatch sees.
   */
  private readonly accessorKeys: PropertyKey[] = [];

  constructor(readonly target: object) {
    for (const key of Reflect.ownKeys(target)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target, key)!;
      this.descriptors.set(key, descriptor);
      if ('value' in descriptor) {
        this.dataKeys.push(key);
        this.dataValues.push(descriptor.value);
      } else {
        this.accessorKeys.push(key);
      }
    }
    this.prototype = Reflect.getPrototypeOf(target);
    this.enumerableCount = Object.keys(target).length;
    this.symbolCount = Object.getOwnPropertySymbols(target).length;
  }

  quickChanged(): boolean {
    const target = this.target as Record<PropertyKey, unknown>;
    if (!Reflect.isExtensible(target) || Reflect.getPrototypeOf(target) !== this.prototype) return true;
    if (Object.keys(target).length !== this.enumerableCount || Object.getOwnPropertySymbols(target).length !== this.symbolCount) return true;
    try {
      for (let i = 0; i < this.dataKeys.length; i++) {
        const key = this.dataKeys[i];
        const value = this.dataValues[i];
        // A deleted property reads as what the prototype chain has: a different value, or undefined.
        if (!Object.is(target[key], value) || (value === undefined && !Object.hasOwn(target, key))) return true;
      }
    } catch {
      // A deleted property that a built-in getter up the chain refuses to read for this object.
      return true;
    }
    for (const key of this.accessorKeys) {
      const now = Reflect.getOwnPropertyDescriptor(target, key);
      const before = this.descriptors.get(key)!;
      if (now?.get !== before.get || now?.set !== before.set) return true;
    }
    return false;
  }

  deepChanged(): boolean {
    const target = this.target;
    if (!Reflect.isExtensible(target) || Reflect.getPrototypeOf(target) !== this.prototype) return true;
    const keys = Reflect.ownKeys(target);
    return keys.length !== this.descriptors.size || keys.some((key) => !sameDescriptor(Reflect.getOwnPropertyDescriptor(target, key)!, this.descriptors.get(key)));
  }
}

export function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return (
    !!b &&
    Object.is(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}
