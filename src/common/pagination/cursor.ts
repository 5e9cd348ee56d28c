import { AppError } from '../errors/app-error';
import { isUuid } from '../validation/uuid';

/** Opaque keyset cursors: base64url of a JSON array holding the sort key and id. */
export function encodeCursor(parts: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number' | 'uuid' | 'timestamp')[]): (string | number)[] {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor) || cursor.length > 512) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('INVALID_CURSOR', 'The cursor is malformed');
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length || !parsed.every((value, index) => fits(value, shape[index]))) {
    throw new AppError('INVALID_CURSOR', 'The cursor does not belong to this list');
  }
  return parsed as (string | number)[];
}

/**
 * An ISO-8601 time that PostgreSQL's timestamptz also accepts: JavaScript takes year
 * 0000 and offsets up to ±23:59, PostgreSQL neither (a forged cursor would be a 500).
 */
const TIMESTAMP = /^(?!0000)\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-](0\d|1[0-5]):?\d{2})$/;

function fits(value: unknown, kind: 'string' | 'number' | 'uuid' | 'timestamp'): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'uuid':
      return isUuid(value);
    case 'timestamp':
      return typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
    case 'string':
      return typeof value === 'string' && value.length <= 256;
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells that
 * another page exists, and the cursor points after the last row shown.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => (string | number | null)[],
  toItem: (row: Row) => Item,
): Page<Item> {
  const shown = rows.slice(0, limit);
  const nextCursor = rows.length > limit && shown.length > 0 ? encodeCursor(cursorOf(shown[shown.length - 1])) : null;
  return { items: shown.map(toItem), nextCursor };
}
