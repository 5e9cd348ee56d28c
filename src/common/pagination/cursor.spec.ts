import { decodeCursor, encodeCursor, toPage } from './cursor';

// Cursors are opaque to clients but must round-trip exactly, and anything a client
// could forge or mangle is a 400 INVALID_CURSOR, never a query.
const ID = '0b7e1c1a-3c3f-4d55-9f5e-1a2b3c4d5e6f';
const invalid = expect.objectContaining({ code: 'INVALID_CURSOR' });
const forged = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('keyset cursors', () => {
  it('round-trip every key shape exactly, microseconds included', () => {
    const parts = ['2026-01-01T00:00:00.123456Z', 41, ID, 'a name'];
    expect(decodeCursor(encodeCursor(parts), ['timestamp', 'number', 'uuid', 'string'])).toEqual(parts);
  });

  it('are URL-safe: no characters a query string would need to escape', () => {
    expect(encodeCursor(['??>>~~', ID])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty', ''],
    ['characters outside base64url', 'abc+/='],
    ['not JSON', Buffer.from('not json').toString('base64url')],
  ])('refuse a cursor that is %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, ['string', 'uuid'])).toThrow(invalid);
  });

  it('accept a well-formed cursor of up to 512 characters and refuse a longer one', () => {
    // JSON of 384 bytes is exactly 512 base64url characters; 387 bytes are 516
    const atLimit = forged(['x'.repeat(256), 'y'.repeat(82), ID]);
    const pastLimit = forged(['x'.repeat(256), 'y'.repeat(85), ID]);
    expect([atLimit.length, pastLimit.length]).toEqual([512, 516]);
    expect(decodeCursor(atLimit, ['string', 'string', 'uuid'])).toEqual(['x'.repeat(256), 'y'.repeat(82), ID]);
    expect(() => decodeCursor(pastLimit, ['string', 'string', 'uuid'])).toThrow(invalid);
  });

  it.each([
    ['not an array', { at: 1 }],
    ['too short', [ID]],
    ['too long', [1, ID, 'extra']],
    ['a fractional number', [1.5, ID]],
    ['an unsafe integer', [2 ** 53, ID]],
    ['a numeric string for a number', ['1', ID]],
    ['a malformed id', [1, 'not-a-uuid']],
    ['a valid first part alone', [1]],
    ['an array holding the number', [[1], ID]],
  ])('refuse a number-keyed cursor that is %s', (_, value) => {
    expect(() => decodeCursor(forged(value), ['number', 'uuid'])).toThrow(invalid);
  });

  it.each([
    ['a date without time', '2026-01-01'],
    ['a time without zone', '2026-01-01T00:00:00.123'],
    ['an impossible date', '2026-13-45T00:00:00Z'],
    ['a number', 1767225600000],
    ['text around a timestamp', 'x2026-01-01T00:00:00Z'],
    ['a timestamp with trailing text', '2026-01-01T00:00:00Zx'],
    ['an array holding a timestamp', ['2026-01-01T00:00:00Z']],
    ['in year 0, which PostgreSQL does not have', '0000-06-01T00:00:00Z'],
    ['at an offset PostgreSQL does not take', '2026-01-01T00:00:00+16:00'],
  ])('refuse a timestamp key that is %s', (_, key) => {
    expect(() => decodeCursor(forged([key, ID]), ['timestamp', 'uuid'])).toThrow(invalid);
  });

  it('accept timestamps in UTC and with an offset', () => {
    for (const key of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.5+02:00', '2026-01-01T00:00:00-0500', '0001-01-01T00:00:00+15:59']) {
      expect(decodeCursor(forged([key, ID]), ['timestamp', 'uuid'])).toEqual([key, ID]);
    }
  });

  it('refuse string keys longer than 256 characters, and non-strings', () => {
    expect(() => decodeCursor(forged(['x'.repeat(257), ID]), ['string', 'uuid'])).toThrow(invalid);
    expect(() => decodeCursor(forged([7, ID]), ['string', 'uuid'])).toThrow(invalid);
    expect(() => decodeCursor(forged([['x'], ID]), ['string', 'uuid'])).toThrow(invalid);
  });

  it('refuse a well-formed cursor with a character outside base64url before or after it', () => {
    const good = forged([1, ID]);
    expect(decodeCursor(good, ['number', 'uuid'])).toEqual([1, ID]);
    expect(() => decodeCursor(`!${good}`, ['number', 'uuid'])).toThrow(invalid);
    expect(() => decodeCursor(`${good}!`, ['number', 'uuid'])).toThrow(invalid);
  });

  it('say in the detail whether the cursor is mangled or belongs to another list', () => {
    const detail = (cursor: string) => {
      try {
        decodeCursor(cursor, ['number', 'uuid']);
      } catch (error) {
        return (error as { detail?: string }).detail;
      }
      return undefined;
    };
    const mangled = detail('%%%');
    const foreign = detail(forged(['2026-01-01T00:00:00Z', ID]));
    expect(mangled).toMatch(/\w+ \w+/);
    expect(foreign).toMatch(/\w+ \w+/);
    expect(mangled).not.toBe(foreign);
  });
});

describe('pages built from limit + 1 rows', () => {
  const rows = [1, 2, 3].map((n) => ({ n, id: ID }));
  const page = (fetched: typeof rows, limit: number) => toPage(fetched, limit, (row) => [row.n, row.id], (row) => row.n);

  it('show `limit` rows and point the cursor after the last one shown when more exist', () => {
    const result = page(rows, 2);
    expect(result.items).toEqual([1, 2]);
    expect(decodeCursor(result.nextCursor as string, ['number', 'uuid'])).toEqual([2, ID]);
  });

  it('end with a null cursor when no extra row came back', () => {
    expect(page(rows, 3)).toEqual({ items: [1, 2, 3], nextCursor: null });
    expect(page([], 3)).toEqual({ items: [], nextCursor: null });
    expect(page(rows, 0)).toEqual({ items: [], nextCursor: null });
  });
});
