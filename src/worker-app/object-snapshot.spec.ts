import { ObjectSnapshot } from './object-snapshot';

/** A stand-in for a built-in: methods that are not enumerable, a value that is undefined, and a symbol key. */
function builtinLike(): object {
  const target = Object.create({ inherited: 1 });
  Object.defineProperty(target, 'method', { value: function method() {}, writable: true, configurable: true });
  Object.defineProperty(target, 'unset', { value: undefined, writable: true, configurable: true });
  Object.defineProperty(target, 'getter', { get: () => 1, configurable: true });
  Object.defineProperty(target, Symbol.iterator, { value: function iterator() {}, writable: true, configurable: true });
  return target;
}

describe('ObjectSnapshot', () => {
  it('sees nothing changed in an object left alone', () => {
    const snapshot = new ObjectSnapshot(builtinLike());
    expect(snapshot.quickChanged()).toBe(false);
    expect(snapshot.deepChanged()).toBe(false);
  });

  it.each<[string, (target: any) => void]>([
    ['a property added by assignment', (t) => (t.added = 1)],
    ['a method replaced', (t) => (t.method = () => 0)],
    ['a method deleted', (t) => delete t.method],
    ['a property whose value is undefined deleted', (t) => delete t.unset],
    ['a symbol key added, even as non-enumerable', (t) => Object.defineProperty(t, Symbol('added'), { value: 1 })],
    ['a getter replaced', (t) => Object.defineProperty(t, 'getter', { get: () => 2 })],
    ['the object frozen', (t) => Object.freeze(t)],
    ['the object made non-extensible', (t) => Object.preventExtensions(t)],
    ['its prototype replaced', (t) => Object.setPrototypeOf(t, null)],
  ])('sees, from values alone, %s', (_change, change) => {
    const target = builtinLike();
    const snapshot = new ObjectSnapshot(target);
    change(target);
    expect(snapshot.quickChanged()).toBe(true);
    expect(snapshot.deepChanged()).toBe(true);
  });

  // What only a property definition can do: the DefineWatch tells the thread to compare descriptors.
  it.each<[string, (target: any) => void]>([
    ['an attribute changed', (t) => Object.defineProperty(t, 'method', { writable: false })],
    ['a property added as non-enumerable', (t) => Object.defineProperty(t, 'hidden', { value: 1 })],
    ['a value turned into an accessor returning that same value', (t) => {
      const value = t.method;
      Object.defineProperty(t, 'method', { get: () => value });
    }],
  ])('needs descriptors to see %s', (_change, change) => {
    const target = builtinLike();
    const snapshot = new ObjectSnapshot(target);
    change(target);
    expect(snapshot.quickChanged()).toBe(false);
    expect(snapshot.deepChanged()).toBe(true);
  });
});
