import { isCommentBody } from './comment.dto';

describe('isCommentBody', () => {
  it.each([
    ['a single character', 'a', true],
    ['5000 characters with surrounding whitespace', `  ${'x'.repeat(5000)}\n`, true],
    ['5000 astral characters (counted as characters, not UTF-16 units)', '\u{1F600}'.repeat(5000), true],
    ['HTML-looking text', '<b>hi</b>', true],
    ['an empty string', '', false],
    ['only whitespace', ' \t\n ', false],
    ['5001 characters', 'x'.repeat(5001), false],
    ['a NUL character', 'a\u0000', false],
    ['a number', 5, false],
  ])('%s → %s', (_, value, expected) => {
    expect(isCommentBody(value)).toBe(expected);
  });
});
