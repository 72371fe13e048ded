import { AccessorWatch } from './accessor-watch';

/** As Node's `process` global: the setter keeps the value in a closure, and the descriptor never changes. */
function closureAccessor(target: object, key: string, initial: unknown): void {
  let value = initial;
  Object.defineProperty(target, key, { get: () => value, set: (next) => (value = next), configurable: true, enumerable: false });
}

/** As Node's lazy globals: the setter turns the property into a value. */
function lazyAccessor(target: object, key: string, loaded: unknown): void {
  Object.defineProperty(target, key, {
    get() {
      Object.defineProperty(target, key, { value: loaded, writable: true, configurable: true });
      return loaded;
    },
    set(value) {
      Object.defineProperty(target, key, { value, writable: true, configurable: true });
    },
    configurable: true,
  });
}

describe('AccessorWatch', () => {
  it('hands a setter that keeps its value in a closure the value the task replaced', () => {
    const target: any = {};
    closureAccessor(target, 'process', 'the real process');
    const writes = new AccessorWatch(target);
    const descriptor = Object.getOwnPropertyDescriptor(target, 'process');
    target.process = 'a fake';
    target.process = 'another fake';
    expect(target.process).toBe('another fake');
    expect(writes.undo()).toBeNull();
    expect(target.process).toBe('the real process');
    expect(Object.getOwnPropertyDescriptor(target, 'process')).toEqual(descriptor);
  });

  it('forgets the writes it undid: the next task\'s first assignment keeps the value then', () => {
    const target: any = {};
    closureAccessor(target, 'Buffer', 1);
    const writes = new AccessorWatch(target);
    target.Buffer = 2;
    writes.undo();
    target.Buffer = 3;
    writes.undo();
    expect(target.Buffer).toBe(1);
  });

  it('gives a lazy accessor its loaded value back; the snapshot puts its accessor back after', () => {
    const target: any = {};
    lazyAccessor(target, 'TextEncoder', 'the real TextEncoder');
    const writes = new AccessorWatch(target);
    target.TextEncoder = 'a fake';
    expect(writes.undo()).toBeNull();
    expect(Object.getOwnPropertyDescriptor(target, 'TextEncoder')).toMatchObject({ value: 'the real TextEncoder' });
  });

  it('names a property whose value before the assignment could not be read', () => {
    const target: any = {};
    Object.defineProperty(target, 'odd', { get: () => { throw new Error('no'); }, set: () => {}, configurable: true });
    const writes = new AccessorWatch(target);
    target.odd = 1;
    expect(writes.undo()).toBe('odd');
    expect(writes.undo()).toBeNull();
  });

  it('reads a non-configurable accessor, which it cannot wrap, and sets it back when it changed', () => {
    const target: any = {};
    let exitCode: unknown;
    let sets = 0;
    const set = (value: unknown) => ((exitCode = value), sets++);
    Object.defineProperty(target, 'exitCode', { get: () => exitCode, set, configurable: false });
    const writes = new AccessorWatch(target);
    expect(Object.getOwnPropertyDescriptor(target, 'exitCode')!.set).toBe(set);
    expect(writes.undo()).toBeNull();
    expect(sets).toBe(0);
    target.exitCode = 3;
    expect(writes.undo()).toBeNull();
    expect(target.exitCode).toBeUndefined();
  });

  it('says when a getter turned its property into a value on its first read, and not after', () => {
    const target: any = {};
    // As Node's lazy getters: they load once, and turn their property into a value only then.
    let loaded: string | undefined;
    Object.defineProperty(target, 'fetch', {
      get() {
        if (loaded === undefined) Object.defineProperty(target, 'fetch', { value: (loaded = 'the real fetch'), writable: true, configurable: true });
        return loaded;
      },
      configurable: true,
    });
    closureAccessor(target, 'process', 'the real process');
    const watch = new AccessorWatch(target);
    const wrapped = Object.getOwnPropertyDescriptor(target, 'fetch')!;
    expect(target.process).toBe('the real process');
    expect(watch.takeTouched()).toBe(false);
    expect(target.fetch).toBe('the real fetch');
    expect(Object.getOwnPropertyDescriptor(target, 'fetch')).toMatchObject({ value: 'the real fetch' });
    expect(watch.takeTouched()).toBe(true);
    // The snapshot puts the accessor back; read again, it stays.
    Object.defineProperty(target, 'fetch', wrapped);
    expect(target.fetch).toBe('the real fetch');
    expect(Object.getOwnPropertyDescriptor(target, 'fetch')!.get).toBe(wrapped.get);
    expect(watch.takeTouched()).toBe(false);
  });

  it('wrapping setters only, leaves the getters as they are and still undoes assignments', () => {
    const target: any = {};
    closureAccessor(target, '_exiting', false);
    const before = Object.getOwnPropertyDescriptor(target, '_exiting')!;
    const watch = new AccessorWatch(target, 'setters');
    const after = Object.getOwnPropertyDescriptor(target, '_exiting')!;
    expect(after.get).toBe(before.get);
    expect(after.set).not.toBe(before.set);
    target._exiting = true;
    expect(watch.undo()).toBeNull();
    expect(target._exiting).toBe(false);
  });

  it('wrapping nothing, leaves every configurable accessor as it is and still reads the fixed ones', () => {
    const target: any = {};
    closureAccessor(target, '_stat', 'a hook');
    let wrap = 'the wrapper';
    Object.defineProperty(target, 'wrap', { get: () => wrap, set: (value) => (wrap = value), configurable: false });
    const before = Object.getOwnPropertyDescriptor(target, '_stat');
    const watch = new AccessorWatch(target, 'none');
    expect(Object.getOwnPropertyDescriptor(target, '_stat')).toEqual(before);
    target.wrap = 'another';
    watch.undo();
    expect(target.wrap).toBe('the wrapper');
  });

  it('says when a setter was called', () => {
    const target: any = {};
    closureAccessor(target, 'Buffer', 1);
    const watch = new AccessorWatch(target);
    target.Buffer = 2;
    expect(watch.takeTouched()).toBe(true);
    watch.undo();
    expect(watch.takeTouched()).toBe(false);
  });

  it('keeps the accessors\' names and attributes', () => {
    const target: any = {};
    closureAccessor(target, 'process', 1);
    Object.defineProperty(target, 'readOnly', { get: function get() { return 1; }, configurable: true, enumerable: true });
    const before = Object.getOwnPropertyDescriptors(target);
    new AccessorWatch(target);
    const after = Object.getOwnPropertyDescriptors(target);
    for (const key of ['process', 'readOnly']) {
      expect(after[key].get).not.toBe(before[key].get);
      expect(after[key].get!.name).toBe(before[key].get!.name);
      expect(after[key].set?.name).toBe(before[key].set?.name);
      expect({ ...after[key], get: null, set: null }).toEqual({ ...before[key], get: null, set: null });
    }
    expect(after.readOnly.set).toBeUndefined();
  });
});
