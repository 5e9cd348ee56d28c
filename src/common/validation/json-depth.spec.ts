import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';

const nested = (depth: number, open = '[', close = ']') => Buffer.from(`${open.repeat(depth)}${close.repeat(depth)}`);

describe('exceedsJsonDepth', () => {
  it('accepts 32 levels and refuses 33, for arrays and objects alike', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    const objects = (depth: number) => Buffer.from(`${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`);
    expect(exceedsJsonDepth(objects(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(objects(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('counts siblings once, not cumulatively', () => {
    const wide = Buffer.from(JSON.stringify(Array.from({ length: 1000 }, () => [[[{ a: [1] }]]])));
    expect(exceedsJsonDepth(wide)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const body = Buffer.from(JSON.stringify({ text: '['.repeat(100) + '\\"' + '{'.repeat(100), other: 'say "[[[["' }));
    expect(exceedsJsonDepth(body)).toBe(false);
    expect(exceedsJsonDepth(Buffer.from(`{"a":"\\\\",${'['.repeat(40)}`))).toBe(true);
  });

  it('is not fooled by multi-byte characters', () => {
    expect(exceedsJsonDepth(Buffer.from(JSON.stringify({ name: '[é…😀{' }), 'utf8'), 1)).toBe(false);
  });
});
