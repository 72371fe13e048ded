import { randomFillSync } from 'node:crypto';

/**
 * Task ids are UUIDv7 (RFC 9562): the creation time in milliseconds, then 74
 * random bits. Ids made close together sort together, so the store's unique
 * index on them takes each new id on the page it wrote last, where random
 * (v4) ids each dirtied a page of their own, read it first once the index
 * outgrew the cache, and appended it to the WAL at every commit. A task's
 * creation time is no secret: `created_at` shows it.
 */

/** Random bytes are drawn this many ids at a time: one call into OpenSSL per batch, as `randomUUID` does. */
const IDS_PER_DRAW = 128;
const RANDOM_BYTES = 10;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Where each of the 16 bytes' hex digits is followed by a dash. */
const DASH_AFTER = new Set([3, 5, 7, 9]);

const pool = Buffer.alloc(IDS_PER_DRAW * RANDOM_BYTES);
let drawn = pool.length;
const id = Buffer.alloc(16);

export function newTaskId(now: number = Date.now()): string {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  id.writeUIntBE(now, 0, 6);
  pool.copy(id, 6, drawn, (drawn += RANDOM_BYTES));
  id[6] = (id[6] & 0x0f) | 0x70; // version 7
  id[8] = (id[8] & 0x3f) | 0x80; // variant 10
  let text = '';
  for (let i = 0; i < 16; i++) text += DASH_AFTER.has(i) ? HEX[id[i]] + '-' : HEX[id[i]];
  return text;
}
