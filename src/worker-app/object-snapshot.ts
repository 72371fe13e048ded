// Taken when this module loads, before a task could replace them (or a DefineWatch wrap them).
const { defineProperty, deleteProperty, getOwnPropertyDescriptor, getPrototypeOf, isExtensible, ownKeys, setPrototypeOf } = Reflect;
const { hasOwn, is, keys: enumerableKeys, getOwnPropertySymbols } = Object;
const FunctionFromSource = Function;

/**
 * An object's own properties as they were when taken, two ways to tell
 * whether they still are, and a way to put them back.
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
  private readonly descriptors = new Map<PropertyKey, PropertyDescriptor>();
  private readonly prototype: object | null;
  private readonly enumerableCount: number;
  private readonly symbolCount: number;
  private readonly dataKeys: PropertyKey[] = [];
  private readonly dataValues: unknown[] = [];
  private readonly dataChanged: (target: object) => boolean;
  /**
   * Never called; checked to be there with every quick check, and compared
   * by descriptor when asked. Node's lazy globals turn themselves into values
   * through their own getters and setters, which no DefineWatch sees.
   */
  private readonly accessorKeys: PropertyKey[] = [];

  constructor(readonly target: object) {
    for (const key of ownKeys(target)) {
      const descriptor = getOwnPropertyDescriptor(target, key)!;
      this.descriptors.set(key, descriptor);
      if ('value' in descriptor) {
        this.dataKeys.push(key);
        this.dataValues.push(descriptor.value);
      } else {
        this.accessorKeys.push(key);
      }
    }
    this.dataChanged = compileDataCheck(this.dataKeys, this.dataValues, this.accessorKeys);
    this.prototype = getPrototypeOf(target);
    this.enumerableCount = enumerableKeys(target).length;
    this.symbolCount = getOwnPropertySymbols(target).length;
  }

  /**
   * `accessorsMayHaveChanged`: false when nothing but a definition can have
   * changed an accessor (an AccessorWatch says when Node's did); then each is
   * only checked to be there still, which costs no allocation.
   */
  quickChanged(accessorsMayHaveChanged = true): boolean {
    const target = this.target as Record<PropertyKey, unknown>;
    if (!isExtensible(target) || getPrototypeOf(target) !== this.prototype) return true;
    if (enumerableKeys(target).length !== this.enumerableCount || getOwnPropertySymbols(target).length !== this.symbolCount) return true;
    try {
      if (this.dataChanged(target)) return true;
    } catch {
      // A deleted property that a built-in getter up the chain refuses to read for this object.
      return true;
    }
    if (!accessorsMayHaveChanged) return false;
    for (const key of this.accessorKeys) {
      const now = getOwnPropertyDescriptor(target, key);
      const before = this.descriptors.get(key)!;
      if (now?.get !== before.get || now?.set !== before.set) return true;
    }
    return false;
  }

  deepChanged(): boolean {
    const target = this.target;
    if (!isExtensible(target) || getPrototypeOf(target) !== this.prototype) return true;
    const keys = ownKeys(target);
    return keys.length !== this.descriptors.size || keys.some((key) => !sameDescriptor(getOwnPropertyDescriptor(target, key)!, this.descriptors.get(key)));
  }

  /**
   * Puts the prototype back, and says whether the object can still be put
   * back at all: one that is no longer extensible (frozen, sealed) cannot.
   */
  keepShape(): boolean {
    const target = this.target;
    if (!isExtensible(target)) return false;
    return getPrototypeOf(target) === this.prototype || setPrototypeOf(target, this.prototype);
  }

  /**
   * Makes every own property what it was: added ones deleted, changed or
   * deleted ones defined again. False when one refuses, which only a
   * definition (a property made non-configurable) can cause.
   */
  putBack(): boolean {
    const target = this.target;
    for (const key of ownKeys(target)) {
      const before = this.descriptors.get(key);
      if (before && sameDescriptor(before, getOwnPropertyDescriptor(target, key)!)) continue;
      if (!(before ? defineProperty(target, key, before) : deleteProperty(target, key))) return false;
    }
    for (const [key, before] of this.descriptors) if (!hasOwn(target, key) && !defineProperty(target, key, before)) return false;
    return true;
  }
}

/** A property name that can follow a dot. */
const PLAIN_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Whether any of the object's data properties no longer holds its value
 * (`Object.is`), or any of its accessors is gone; a deleted data property
 * reads as what the prototype chain has: a different value, or undefined,
 * which `hasOwn` tells apart. Generated once
 * per object as one expression: read as `t.name`, each property is a load V8
 * caches for the object's shape, where a loop's `target[key]` over hundreds
 * of keys took V8's generic path every time (14 of the 27 µs a task spent
 * here, against 4). The names come from the built-ins themselves, not from
 * tasks, and any that is not a plain name is read through `keys`.
 */
function compileDataCheck(keys: readonly PropertyKey[], values: readonly unknown[], accessorKeys: readonly PropertyKey[]): (target: object) => boolean {
  const reads = keys.map((key, i) => {
    const read = typeof key === 'string' && PLAIN_NAME.test(key) ? `t.${key}` : `t[k[${i}]]`;
    const value = values[i];
    if (value === undefined) return `(${read} !== undefined || !hasOwn(t, k[${i}]))`;
    // Object.is and !== differ only on NaN and on 0 against -0.
    return value !== value || value === 0 ? `!is(${read}, v[${i}])` : `${read} !== v[${i}]`;
  });
  const present = accessorKeys.map((_, i) => `!hasOwn(t, a[${i}])`);
  const checks = [...reads, ...present];
  const make = new FunctionFromSource('is', 'hasOwn', 'k', 'v', 'a', `return (t) => ${checks.join(' || ') || 'false'};`);
  return make(is, hasOwn, keys, values, accessorKeys);
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return (
    !!b &&
    is(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}
