import { decodeCursor, encodeCursor } from '../common/pagination/cursor';

export const THREAD_SORTS = ['newest', 'oldest', 'top', 'replies'] as const;
export type ThreadSort = (typeof THREAD_SORTS)[number];

/** What a page query returns for each row: enough to build the next cursor. */
export interface KeyedRow {
  id: string;
  /** created_at as text with microseconds, so a cursor loses no precision. */
  createdKey: string;
  reactionCount: number;
  replyCount: number;
}

/** A keyset position: the sort key and the id that breaks ties. */
export type SortKey = [string | number, string];

interface SortSpec {
  /** ORDER BY for alias `c`. */
  orderBy: string;
  /** Row comparison strictly after the cursor, with the key as $k and id as $i. */
  after: (key: string, id: string) => string;
  keyShape: 'timestamp' | 'number';
  keyOf: (row: KeyedRow) => string | number;
}

const byTime = (direction: 'ASC' | 'DESC'): SortSpec => ({
  orderBy: `c.created_at ${direction}, c.id ${direction}`,
  after: (key, id) => `(c.created_at, c.id) ${direction === 'ASC' ? '>' : '<'} (${key}::timestamptz, ${id}::uuid)`,
  keyShape: 'timestamp',
  keyOf: (row) => row.createdKey,
});

export const SORTS: Record<ThreadSort, SortSpec> = {
  newest: byTime('DESC'),
  oldest: byTime('ASC'),
  top: {
    orderBy: 'c.reaction_count DESC, c.id DESC',
    after: (key, id) => `(c.reaction_count, c.id) < (${key}::integer, ${id}::uuid)`,
    keyShape: 'number',
    keyOf: (row) => row.reactionCount,
  },
  replies: {
    orderBy: 'c.reply_count DESC, c.id DESC',
    after: (key, id) => `(c.reply_count, c.id) < (${key}::integer, ${id}::uuid)`,
    keyShape: 'number',
    keyOf: (row) => row.replyCount,
  },
};

export function decodeSortCursor(sort: ThreadSort, cursor: string | undefined): SortKey | undefined {
  if (cursor === undefined) return undefined;
  return decodeCursor(cursor, [SORTS[sort].keyShape, 'uuid']) as SortKey;
}

export function cursorOf(sort: ThreadSort) {
  return (row: KeyedRow): [string | number, string] => [SORTS[sort].keyOf(row), row.id];
}

export function encodeSortCursor(sort: ThreadSort, row: KeyedRow): string {
  return encodeCursor(cursorOf(sort)(row));
}
