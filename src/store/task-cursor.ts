import { InvalidCursorError } from '../tasks/task-errors';

/** Pages run newest first by the store's insertion sequence; the cursor is the last one shown. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new InvalidCursorError();
  return Number(match[1]);
}
