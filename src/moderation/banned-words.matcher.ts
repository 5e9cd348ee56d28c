import { foldForMatching } from '../common/validation/text-normalization';

// The comment text and the word list are folded by the same function, so a look-alike matches what it imitates.
export { foldForMatching };

/** Letters, combining marks and digits in any script: what counts as "inside a word". */
const WORD_RUN = /[\p{L}\p{M}\p{N}]+/gu;
const WHOLE_WORD = /^[\p{L}\p{M}\p{N}]+$/u;
const NOT_AFTER_WORD = '(?<![\\p{L}\\p{M}\\p{N}])';
const NOT_BEFORE_WORD = '(?![\\p{L}\\p{M}\\p{N}])';

/**
 * Finds banned words on word boundaries, whatever the script. Single words —
 * nearly every entry — go into a set probed once per word of the text, so the
 * cost grows with the text, not with the list; entries holding other
 * characters ("f*ck", "two words") go into one compiled pattern with
 * Unicode-aware boundaries (JavaScript's `\b` only knows ASCII letters).
 */
export class BannedWordsMatcher {
  private constructor(
    private readonly singleWords: ReadonlySet<string>,
    private readonly phrases: RegExp | null,
  ) {}

  static compile(entries: readonly string[]): BannedWordsMatcher {
    const singleWords = new Set<string>();
    const phrases: string[] = [];
    for (const entry of entries) {
      const folded = foldForMatching(entry).trim();
      if (folded.length === 0) continue;
      if (WHOLE_WORD.test(folded)) singleWords.add(folded);
      else phrases.push(folded);
    }
    return new BannedWordsMatcher(singleWords, phrases.length > 0 ? phrasePattern(phrases) : null);
  }

  /** The first banned entry found in `text` (folded), or null. */
  findIn(text: string): string | null {
    const folded = foldForMatching(text);
    if (this.singleWords.size > 0) {
      for (const [word] of folded.matchAll(WORD_RUN)) {
        if (this.singleWords.has(word)) return word;
      }
    }
    return this.phrases ? (this.phrases.exec(folded)?.[0] ?? null) : null;
  }

  matches(text: string): boolean {
    return this.findIn(text) !== null;
  }
}

function phrasePattern(phrases: string[]): RegExp {
  const alternatives = [...new Set(phrases)]
    // Longest first, so a phrase is not shadowed by a shorter one it starts with.
    .sort((a, b) => b.length - a.length)
    .map((phrase) => phrase.split(/\s+/).map(escapeForPattern).join('\\s+'));
  return new RegExp(`${NOT_AFTER_WORD}(?:${alternatives.join('|')})${NOT_BEFORE_WORD}`, 'u');
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
