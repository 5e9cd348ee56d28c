import { isIsoDateTime } from './text-fields';
import { foldForMatching, isCleanDisplayName, isPlainText, isStorableText, normalizeDisplayName } from './text-normalization';

describe('text normalisation', () => {
  it('refuses NUL and unpaired surrogates as unstorable, keeps paired ones', () => {
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('a\uD800b')).toBe(false);
    expect(isStorableText('a\uDC00')).toBe(false);
    expect(isStorableText('smile 😀')).toBe(true);
  });

  it('allows newline and tab only in multi-line text, and no other control character anywhere', () => {
    expect(isPlainText('one\ntwo\tthree\r\n', { multiline: true })).toBe(true);
    expect(isPlainText('one\ntwo', { multiline: false })).toBe(false);
    for (const control of ['\u0001', '\u0007', '\u001B', '\u007F', '\u0085', '\u000B']) {
      expect(isPlainText(`a${control}b`, { multiline: true })).toBe(false);
    }
  });

  it('normalises names with NFKC and refuses format, bidi and control characters in them', () => {
    expect(normalizeDisplayName(' Ａｄｍｉｎｉｓｔｒａｔｏｒ ')).toBe('Administrator');
    expect(isCleanDisplayName('Administrator\u200B')).toBe(false);
    expect(isCleanDisplayName('Admin\u202Erotartsin')).toBe(false);
    expect(isCleanDisplayName('Ad\u00ADmin')).toBe(false);
    expect(isCleanDisplayName('Ad\u2066min\u2069')).toBe(false);
    expect(isCleanDisplayName('Zoë Ørsted-Łukasz 李')).toBe(true);
  });

  it('folds invisible characters, marks and look-alikes for matching', () => {
    for (const text of ['b\u200Bad', 'b\u00ADad', 'bаd', 'ba\u0301d', 'BΑD', 'ｂａｄ']) expect(foldForMatching(text)).toBe('bad');
  });
});

describe('isIsoDateTime', () => {
  it.each(['2026-01-31', '2026-01-31T12:00Z', '2026-01-31T12:00:00Z', '2026-01-31T12:00:00.123Z', '2026-01-31T12:00:00+01:00'])(
    'accepts %s',
    (value) => expect(isIsoDateTime(value)).toBe(true),
  );

  it.each(['2026-W01', '2026-W01-1', '20270101', '2026-001', '2026-02-30', '2026-13-01', '2026-01-31T25:00:00Z', '2026-01-31T12:00:00', '+275760-09-13T00:00:00Z', '', 20270101])(
    'refuses %p',
    (value) => expect(isIsoDateTime(value)).toBe(false),
  );
});
