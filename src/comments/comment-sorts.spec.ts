import { decodeCursor } from '../common/pagination/cursor';
import { decodeSortCursor, encodeSortCursor, KeyedRow, THREAD_SORTS } from './comment-sorts';

// Each thread sort keys its cursor on the value it orders by, with the id breaking ties;
// a cursor made for one sort is refused by a sort keyed on another kind of value.
const row: KeyedRow = { id: '0b7e1c1a-3c3f-4d55-9f5e-1a2b3c4d5e6f', createdKey: '2026-01-01T00:00:00.123456Z', reactionCount: 7, replyCount: 3 };
const invalid = expect.objectContaining({ code: 'INVALID_CURSOR' });

describe('thread sort cursors', () => {
  it('offers exactly the sorts of the contract', () => {
    expect([...THREAD_SORTS].sort()).toEqual(['newest', 'oldest', 'replies', 'top']);
  });

  it.each([
    ['newest', row.createdKey],
    ['oldest', row.createdKey],
    ['top', row.reactionCount],
    ['replies', row.replyCount],
  ] as const)('%s keys its cursor on what it orders by, then the id', (sort, key) => {
    const cursor = encodeSortCursor(sort, row);
    expect(decodeCursor(cursor, [typeof key === 'number' ? 'number' : 'timestamp', 'uuid'])).toEqual([key, row.id]);
    expect(decodeSortCursor(sort, cursor)).toEqual([key, row.id]);
  });

  it('reads no cursor as the first page', () => {
    for (const sort of THREAD_SORTS) expect(decodeSortCursor(sort, undefined)).toBeUndefined();
  });

  it('refuses a time-sorted cursor on a count sort and the other way round', () => {
    expect(() => decodeSortCursor('top', encodeSortCursor('newest', row))).toThrow(invalid);
    expect(() => decodeSortCursor('replies', encodeSortCursor('oldest', row))).toThrow(invalid);
    expect(() => decodeSortCursor('newest', encodeSortCursor('top', row))).toThrow(invalid);
    expect(() => decodeSortCursor('oldest', encodeSortCursor('replies', row))).toThrow(invalid);
  });
});
