import { newTaskId } from './task-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The milliseconds an id carries: its first 12 hex digits. */
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newTaskId', () => {
  it('is a UUIDv7 carrying the time it was made', () => {
    const before = Date.now();
    const id = newTaskId();
    expect(id).toMatch(UUID_V7);
    expect(millisOf(id)).toBeGreaterThanOrEqual(before);
    expect(millisOf(id)).toBeLessThanOrEqual(Date.now());
    expect(millisOf(newTaskId(0x0123456789ab))).toBe(0x0123456789ab);
  });

  it('sorts ids of later milliseconds after earlier ones, as text', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_256, 1_800_000_000_000].map((ms) => newTaskId(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs in its random bits within one millisecond, past many draws of random bytes', () => {
    const ids = Array.from({ length: 5000 }, () => newTaskId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !UUID_V7.test(id))).toEqual([]);
    // Every hex digit of the random tail turns up: the bytes are drawn, not a constant.
    expect(new Set(ids.map((id) => id.slice(-1))).size).toBe(16);
  });
});
