import { AccessorWrites } from './accessor-writes';

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

describe('AccessorWrites', () => {
  it('hands a setter that keeps its value in a closure the value the task replaced', () => {
    const target: any = {};
    closureAccessor(target, 'process', 'the real process');
    const writes = new AccessorWrites(target);
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
    const writes = new AccessorWrites(target);
    target.Buffer = 2;
    writes.undo();
    target.Buffer = 3;
    writes.undo();
    expect(target.Buffer).toBe(1);
  });

  it('gives a lazy accessor its loaded value back; the snapshot puts its accessor back after', () => {
    const target: any = {};
    lazyAccessor(target, 'TextEncoder', 'the real TextEncoder');
    const writes = new AccessorWrites(target);
    target.TextEncoder = 'a fake';
    expect(writes.undo()).toBeNull();
    expect(Object.getOwnPropertyDescriptor(target, 'TextEncoder')).toMatchObject({ value: 'the real TextEncoder' });
  });

  it('names a property whose value before the assignment could not be read', () => {
    const target: any = {};
    Object.defineProperty(target, 'odd', { get: () => { throw new Error('no'); }, set: () => {}, configurable: true });
    const writes = new AccessorWrites(target);
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
    const writes = new AccessorWrites(target);
    expect(Object.getOwnPropertyDescriptor(target, 'exitCode')!.set).toBe(set);
    expect(writes.undo()).toBeNull();
    expect(sets).toBe(0);
    target.exitCode = 3;
    expect(writes.undo()).toBeNull();
    expect(target.exitCode).toBeUndefined();
  });

  it('leaves accessors without a setter as they are', () => {
    const target: any = {};
    const get = () => 1;
    Object.defineProperty(target, 'readOnly', { get, configurable: true });
    new AccessorWrites(target);
    expect(Object.getOwnPropertyDescriptor(target, 'readOnly')).toMatchObject({ get, set: undefined });
  });

  it('keeps the setter\'s name and its attributes', () => {
    const target: any = {};
    closureAccessor(target, 'process', 1);
    const before = Object.getOwnPropertyDescriptor(target, 'process')!;
    new AccessorWrites(target);
    const after = Object.getOwnPropertyDescriptor(target, 'process')!;
    expect(after.set).not.toBe(before.set);
    expect(after.set!.name).toBe(before.set!.name);
    expect({ ...after, set: null }).toEqual({ ...before, set: null });
  });
});
