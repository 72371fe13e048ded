import { ObjectSnapshot } from './object-snapshot';

/** A stand-in for a built-in: methods that are not enumerable, a value that is undefined, and a symbol key. */
function builtinLike(): object {
  const target = Object.create({ inherited: 1 });
  Object.defineProperty(target, 'method', { value: function method() {}, writable: true, configurable: true });
  Object.defineProperty(target, 'unset', { value: undefined, writable: true, configurable: true });
  Object.defineProperty(target, 'getter', { get: () => 1, configurable: true });
  Object.defineProperty(target, Symbol.iterator, { value: function iterator() {}, writable: true, configurable: true });
  Object.defineProperty(target, 'not-a-name', { value: 'dashed', writable: true, configurable: true });
  Object.defineProperty(target, 'NaN', { value: NaN, writable: true, configurable: true });
  Object.defineProperty(target, 'zero', { value: 0, writable: true, configurable: true });
  return target;
}

describe('ObjectSnapshot', () => {
  it('sees nothing changed in an object left alone', () => {
    const snapshot = new ObjectSnapshot(builtinLike());
    expect(snapshot.quickChanged()).toBe(false);
    expect(snapshot.deepChanged()).toBe(false);
  });

  // `quick`: seen from values alone. The rest only a property definition can do, and the DefineWatch tells the thread to compare descriptors.
  // `back`: undone by keepShape and putBack; what assignment and `delete` do always is, a non-configurable definition or a frozen object never.
  it.each<[string, boolean, boolean, (target: any) => void]>([
    ['a property added by assignment', true, true, (t) => (t.added = 1)],
    ['a method replaced', true, true, (t) => (t.method = () => 0)],
    ['a method deleted', true, true, (t) => delete t.method],
    ['a property whose value is undefined deleted', true, true, (t) => delete t.unset],
    ['a property whose name is not a plain name replaced', true, true, (t) => (t['not-a-name'] = 'other')],
    ['NaN replaced by a number', true, true, (t) => (t.NaN = 1)],
    ['0 replaced by -0', true, true, (t) => (t.zero = -0)],
    ['a symbol key added, even as non-enumerable', true, false, (t) => Object.defineProperty(t, Symbol('added'), { value: 1 })],
    ['a getter replaced', true, true, (t) => Object.defineProperty(t, 'getter', { get: () => 2 })],
    ['the object frozen', true, false, (t) => Object.freeze(t)],
    ['the object made non-extensible', true, false, (t) => Object.preventExtensions(t)],
    ['its prototype replaced', true, true, (t) => Object.setPrototypeOf(t, null)],
    ['an attribute changed', false, true, (t) => Object.defineProperty(t, 'method', { writable: false })],
    ['a property added as non-enumerable', false, false, (t) => Object.defineProperty(t, 'hidden', { value: 1 })],
    ['a value turned into an accessor returning that same value', false, true, (t) => {
      const value = t.method;
      Object.defineProperty(t, 'method', { get: () => value });
    }],
  ])('sees %s (from values alone: %s; put back: %s)', (_change, quick, back, change) => {
    const target = builtinLike();
    const snapshot = new ObjectSnapshot(target);
    change(target);
    expect(snapshot.quickChanged()).toBe(quick);
    expect(snapshot.deepChanged()).toBe(true);
    expect(snapshot.keepShape() && snapshot.putBack()).toBe(back);
    if (back) expect([snapshot.quickChanged(), snapshot.deepChanged()]).toEqual([false, false]);
  });

  it('told that no accessor changed by itself, still sees one deleted, and leaves a replaced getter to the descriptors', () => {
    const target = builtinLike();
    const snapshot = new ObjectSnapshot(target);
    Object.defineProperty(target, 'getter', { get: () => 2 });
    expect(snapshot.quickChanged(false)).toBe(false);
    expect(snapshot.quickChanged(true)).toBe(true);
    delete (target as any).getter;
    expect(snapshot.quickChanged(false)).toBe(true);
  });

  it('sees a NaN left as NaN as unchanged, and an own property deleted where the prototype has a getter that throws as changed', () => {
    const proto = Object.defineProperty({}, 'guarded', { get: () => { throw new TypeError('not for this object'); }, configurable: true });
    const target = Object.create(proto);
    Object.defineProperty(target, 'guarded', { value: 1, writable: true, configurable: true });
    Object.defineProperty(target, 'NaN', { value: NaN, writable: true, configurable: true });
    const snapshot = new ObjectSnapshot(target);
    (target as any).NaN = Number('x');
    expect(snapshot.quickChanged()).toBe(false);
    delete (target as any).guarded;
    expect(snapshot.quickChanged()).toBe(true);
  });

  it('puts back with the reflection functions it started with, not ones a task replaced', () => {
    const target = builtinLike();
    const snapshot = new ObjectSnapshot(target);
    const { defineProperty, deleteProperty } = Reflect;
    try {
      Reflect.defineProperty = () => true;
      Reflect.deleteProperty = () => true;
      (target as any).added = 1;
      delete (target as any).method;
      expect(snapshot.putBack()).toBe(true);
    } finally {
      Object.assign(Reflect, { defineProperty, deleteProperty });
    }
    expect(snapshot.deepChanged()).toBe(false);
  });
});
