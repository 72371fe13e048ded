import { runInNewContext } from 'node:vm';
import { DefineWatch, type Definers } from './define-watch';

/** The watch goes into a realm of its own, so this test's own built-ins stay as they are. */
function watchedRealm(): { realm: Definers & { watched: object; other: object }; watch: DefineWatch } {
  const realm = runInNewContext('({ Object, Reflect, watched: {}, other: {} })');
  const watch = new DefineWatch();
  watch.install(realm);
  watch.watch(realm.watched);
  return { realm, watch };
}

describe('DefineWatch', () => {
  it.each<[string, (realm: any, target: object) => unknown]>([
    ['Object.defineProperty', (r, t) => r.Object.defineProperty(t, 'a', { value: 1 })],
    ['Object.defineProperties', (r, t) => r.Object.defineProperties(t, { a: { value: 1 } })],
    ['Reflect.defineProperty', (r, t) => r.Reflect.defineProperty(t, 'a', { value: 1 })],
    ['__defineGetter__', (r, t) => r.Object.prototype.__defineGetter__.call(t, 'a', () => 1)],
    ['__defineSetter__', (r, t) => r.Object.prototype.__defineSetter__.call(t, 'a', () => {})],
  ])('notices %s on a watched object, once, and not on others', (_definer, define) => {
    const { realm, watch } = watchedRealm();
    define(realm, realm.other);
    expect(watch.take()).toBe(false);
    define(realm, realm.watched);
    expect(watch.take()).toBe(true);
    expect(watch.take()).toBe(false);
    expect(Object.getOwnPropertyDescriptor(realm.watched, 'a')).toBeDefined();
  });

  it('leaves the definers as they were to their callers: results, errors, names, lengths and native look', () => {
    const { realm } = watchedRealm();
    const target = {};
    expect(realm.Object.defineProperty(target, 'a', { value: 1 })).toBe(target);
    expect(realm.Reflect.defineProperty(Object.freeze({}), 'a', { value: 1 })).toBe(false);
    expect(() => realm.Object.defineProperty(1 as never, 'a', { value: 1 })).toThrow(/called on non-object/);
    for (const [owner, name, length] of [[realm.Object, 'defineProperty', 3], [realm.Object, 'defineProperties', 2], [realm.Reflect, 'defineProperty', 3]] as const) {
      const definer = (owner as unknown as Record<string, () => void>)[name];
      expect([definer.name, definer.length]).toEqual([name, length]);
      expect(Function.prototype.toString.call(definer)).toContain('[native code]');
      expect(Object.getOwnPropertyDescriptor(owner, name)).toMatchObject({ writable: true, enumerable: false, configurable: true });
    }
  });
});
