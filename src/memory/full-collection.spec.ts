import { runInNewContext } from 'node:vm';
import { collectAllGarbage } from './full-collection';

describe('collectAllGarbage', () => {
  /** A WeakRef keeps its target for the rest of the job that made it: the collection comes a turn later. */
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('collects what nothing refers to, without `--expose-gc` and without adding a global', async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    let garbage: object | null = { payload: new Array(1000).fill('x') };
    const watched = new WeakRef(garbage);
    garbage = null;
    await nextTurn();
    collectAllGarbage();
    expect(watched.deref()).toBeUndefined();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });

  it('collects with compaction too, and plainly again after', async () => {
    const compacted = new WeakRef({ payload: new Array(1000).fill('z') });
    await nextTurn();
    collectAllGarbage({ compact: true });
    expect(compacted.deref()).toBeUndefined();
    const plain = new WeakRef({ payload: new Array(1000).fill('w') });
    await nextTurn();
    collectAllGarbage();
    expect(plain.deref()).toBeUndefined();
  });

  it('leaves contexts made after it without `gc`', () => {
    collectAllGarbage();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  it('collects again on later calls', async () => {
    collectAllGarbage();
    const watched = new WeakRef({ payload: new Array(1000).fill('y') });
    await nextTurn();
    collectAllGarbage();
    expect(watched.deref()).toBeUndefined();
  });
});
