import { BannedWordsMatcher, containsLink, foldForMatching, foldText } from './banned-words.matcher';

/** 10,000 entries of each list, as a large newsroom keeps them: mostly words, some phrases and punctuated spellings. */
function wordList(prefix: string, size: number): string[] {
  return Array.from({ length: size }, (_, index) => {
    if (index % 10 === 0) return `${prefix} phrase ${index}`;
    if (index % 10 === 5) return `${prefix}*${index}`;
    return `${prefix}${index}word`;
  });
}

const CLEAN = 'Ein ganz normaler Satz über Politik, économie et общество, and a word or two more. '.repeat(60); // ~5,000 chars

/** The meaning of an entry, written the slow way: one Unicode-aware pattern per entry. */
function naiveFind(entries: string[], text: string): boolean {
  const folded = foldForMatching(text);
  return entries.some((entry) => {
    const parts = foldForMatching(entry).trim().split(/\s+/).map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
    if (parts.join('').length === 0) return false;
    return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${parts.join('\\s+')}(?![\\p{L}\\p{M}\\p{N}])`, 'u').test(folded);
  });
}

describe('word lists at 10,000 entries each (banned and suspect)', () => {
  const banned = BannedWordsMatcher.compile(wordList('banned', 10_000));
  const suspect = BannedWordsMatcher.compile(wordList('suspect', 10_000));

  it('compiles every entry', () => {
    expect(banned.size).toBe(10_000);
    expect(suspect.size).toBe(10_000);
  });

  it('finds nothing in a long clean comment', () => {
    const folded = foldText(CLEAN);
    expect(banned.findInFolded(folded)).toBeNull();
    expect(suspect.findInFolded(folded)).toBeNull();
  });

  it('finds a word, a phrase (however spaced) and a punctuated entry anywhere in a long comment', () => {
    expect(banned.findIn(`${CLEAN} and banned9999word at the end`)).toBe('banned9999word');
    expect(banned.findIn(`BANNED   PHRASE 9990, ${CLEAN}`)).toBe('banned phrase 9990');
    expect(banned.findIn(`${CLEAN} (banned*9995)`)).toBe('banned*9995');
    expect(suspect.findIn(`${CLEAN}\nsuspect\tphrase 20.`)).toBe('suspect phrase 20');
    // One list's entries are not the other's.
    expect(suspect.findIn(`${CLEAN} banned9999word`)).toBeNull();
  });

  it('keeps word boundaries for phrases and punctuated entries', () => {
    expect(banned.findIn(`${CLEAN} banned phrase 99900`)).toBeNull();
    expect(banned.findIn(`${CLEAN} xbanned*9995`)).toBeNull();
    expect(banned.findIn(`${CLEAN} banned*99950`)).toBeNull();
    expect(banned.findIn(`${CLEAN} banned phrase 10é`)).toBeNull();
  });

  it('agrees with one pattern per entry on random texts (phrases sharing prefixes and suffixes)', () => {
    const entries = ['ab ab', 'b a', 'a*b', 'ab*', 'b ab a', 'ba', 'a b a b', '*a', 'bab b'];
    const matcher = BannedWordsMatcher.compile(entries);
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = ['a', 'b', ' ', '*', 'é', '.'];
    for (let run = 0; run < 2000; run += 1) {
      const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect([text, matcher.matches(text)]).toEqual([text, naiveFind(entries, text)]);
    }
  });
});

describe('links', () => {
  it.each(['see https://example.org/x', 'HTTP://EXAMPLE.ORG', 'www.example.org', 'go to cheap-pills.com now', 'bit.ly/abc', 'ｗｗｗ.example.org', 'mail.google.co.uk'])(
    'finds one in %j',
    (text) => expect(containsLink(text)).toBe(true),
  );
  it.each(['No link here. Really.', 'e.g. this, i.e. that', 'version 2.0 is out', 'the U.S. economy', 'end of a sentence. Com', 'a.b'])(
    'finds none in %j',
    (text) => expect(containsLink(text)).toBe(false),
  );
});
