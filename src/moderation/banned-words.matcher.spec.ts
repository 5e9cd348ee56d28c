import { BannedWordsMatcher, foldForMatching } from './banned-words.matcher';

describe('BannedWordsMatcher', () => {
  it('matches whole words whatever the case', () => {
    const matcher = BannedWordsMatcher.compile(['idiot']);
    expect(matcher.findIn('What an IDIOT.')).toBe('idiot');
    expect(matcher.matches('Idiot!')).toBe(true);
    expect(matcher.matches('(idiot)')).toBe(true);
  });

  it('does not match inside a longer word', () => {
    const matcher = BannedWordsMatcher.compile(['ass', 'hell']);
    expect(matcher.matches('a classic assessment of the shell company')).toBe(false);
    expect(matcher.matches('hello')).toBe(false);
    expect(matcher.matches('ass2')).toBe(false);
  });

  it('treats letters of every script as part of a word (no ASCII-only \\b)', () => {
    const matcher = BannedWordsMatcher.compile(['dumm', 'дурак', 'idiot']);
    expect(matcher.matches('Das ist dumm.')).toBe(true);
    // "dummé": é is a letter, so "dumm" is only the start of a longer word.
    expect(matcher.matches('un peu dummé')).toBe(false);
    expect(matcher.matches('Ты ДУРАК!')).toBe(true);
    expect(matcher.matches('дураки')).toBe(false);
    expect(matcher.matches('idiotéś')).toBe(false);
    expect(matcher.matches('ñidiot')).toBe(false);
  });

  it('matches non-Latin entries case-insensitively, composed or decomposed', () => {
    const matcher = BannedWordsMatcher.compile(['Café', 'ΣΚΑΣΕ']);
    expect(matcher.matches('le CAFÉ est froid')).toBe(true);
    expect(matcher.matches('le cafe\u0301 est froid')).toBe(true);
    expect(matcher.matches('σκάσε')).toBe(false);
    expect(matcher.matches('σκασε τώρα')).toBe(true);
  });

  it('folds full-width letters so they cannot dodge the list', () => {
    expect(BannedWordsMatcher.compile(['idiot']).matches('ｉｄｉｏｔ')).toBe(true);
    expect(foldForMatching('ΟΔΟΣ')).toBe('οδοσ');
  });

  it('matches entries with punctuation or spaces on word boundaries', () => {
    const matcher = BannedWordsMatcher.compile(['f*ck', 'shut up', 'c.r.a.p']);
    expect(matcher.findIn('oh F*CK off')).toBe('f*ck');
    expect(matcher.matches('please SHUT   up now')).toBe(true);
    expect(matcher.matches('shut upon')).toBe(false);
    expect(matcher.matches('xf*ck')).toBe(false);
    expect(matcher.matches('c.r.a.p!')).toBe(true);
    expect(matcher.matches('cxrxaxp')).toBe(false);
  });

  it('ignores blank entries and matches nothing when empty', () => {
    expect(BannedWordsMatcher.compile([]).matches('anything at all')).toBe(false);
    expect(BannedWordsMatcher.compile(['  ', '']).matches('  ')).toBe(false);
  });

  it('stays fast with thousands of entries and a long comment', () => {
    const entries = Array.from({ length: 5000 }, (_, index) => `banned${index}word`);
    const phrases = Array.from({ length: 200 }, (_, index) => `bad phrase ${index}x`);
    const started = process.hrtime.bigint();
    const matcher = BannedWordsMatcher.compile([...entries, ...phrases]);
    const compiledMs = Number(process.hrtime.bigint() - started) / 1e6;

    const clean = 'Ein ganz normaler Satz über Politik, économie et общество. '.repeat(85); // ~5000 chars
    const dirty = `${clean} and banned4999word at the end`;
    const checkStarted = process.hrtime.bigint();
    for (let run = 0; run < 100; run += 1) {
      expect(matcher.matches(clean)).toBe(false);
      expect(matcher.matches(dirty)).toBe(true);
    }
    const perCheckMs = Number(process.hrtime.bigint() - checkStarted) / 1e6 / 200;

    expect(compiledMs).toBeLessThan(200);
    expect(perCheckMs).toBeLessThan(5);
  });
});
