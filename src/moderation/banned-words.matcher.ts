import { foldForMatching } from '../common/validation/text-normalization';

// The comment text and the word list are folded by the same function, so a look-alike matches what it imitates.
export { foldForMatching };

/** Letters, combining marks and digits in any script: what counts as "inside a word". */
const WORD_RUN = /[\p{L}\p{M}\p{N}]+/gu;
const WHOLE_WORD = /^[\p{L}\p{M}\p{N}]+$/u;
const WORD_CHARACTER = /^[\p{L}\p{M}\p{N}]$/u;
const WHITESPACE_RUN = /\s+/gu;

/**
 * Finds listed words on word boundaries, whatever the script (banned words and suspect words alike). Single words —
 * nearly every entry — go into a set probed once per word of the text; entries holding other characters ("f*ck",
 * "two words") go into one Aho–Corasick automaton over code points, run once over the text, with Unicode-aware
 * boundaries checked on each hit (JavaScript's `\b` only knows ASCII letters). Either way a check costs time in
 * proportion to the text, not to the list: 10,000 entries cost what 10 do.
 */
export class BannedWordsMatcher {
  private constructor(
    private readonly singleWords: ReadonlySet<string>,
    private readonly phrases: PhraseAutomaton | null,
  ) {}

  static compile(entries: readonly string[]): BannedWordsMatcher {
    const singleWords = new Set<string>();
    const phrases: string[] = [];
    for (const entry of entries) {
      const folded = foldForMatching(entry).trim();
      if (folded.length === 0) continue;
      if (WHOLE_WORD.test(folded)) singleWords.add(folded);
      else phrases.push(folded.replace(WHITESPACE_RUN, ' '));
    }
    return new BannedWordsMatcher(singleWords, phrases.length > 0 ? PhraseAutomaton.build(phrases) : null);
  }

  /** How many entries (after folding and dropping duplicates) it looks for. */
  get size(): number {
    return this.singleWords.size + (this.phrases?.size ?? 0);
  }

  /** The first listed entry found in `text` (folded), or null. */
  findIn(text: string): string | null {
    return this.findInFolded(foldText(text));
  }

  /** As `findIn`, for text already folded by `foldText` (several matchers can share one folding). */
  findInFolded(folded: FoldedText): string | null {
    if (this.singleWords.size > 0) {
      for (const word of folded.words()) {
        if (this.singleWords.has(word)) return word;
      }
    }
    return this.phrases ? this.phrases.findIn(folded.codePoints()) : null;
  }

  matches(text: string): boolean {
    return this.findIn(text) !== null;
  }
}

/** A comment folded once for every matcher that checks it; words and code points are worked out when first asked for. */
export class FoldedText {
  private wordList: string[] | null = null;
  private points: number[] | null = null;

  constructor(readonly text: string) {}

  words(): string[] {
    this.wordList ??= Array.from(this.text.matchAll(WORD_RUN), (match) => match[0]);
    return this.wordList;
  }

  /** Code points, with every run of whitespace as one space (a phrase's words may be spaced any way). */
  codePoints(): number[] {
    this.points ??= Array.from(this.text.replace(WHITESPACE_RUN, ' '), (character) => character.codePointAt(0) as number);
    return this.points;
  }
}

export function foldText(text: string): FoldedText {
  return new FoldedText(foldForMatching(text));
}

/**
 * Aho–Corasick over code points: a trie of the phrases with failure links, so one pass over the text finds every
 * phrase ending at each position. A hit counts only on word boundaries (no letter, mark or digit just before or
 * just after it), which is what the phrase means; shorter phrases ending at the same place are tried too.
 *
 * Kept compact, since an instance holds one per list (two lists of 10,000 thirty-character phrases are ~600,000
 * nodes): each node is a few slots of typed arrays (its code point, first child, next sibling, failure link, depth,
 * next entry on its failure chain), children are a sibling list, and only the root's children — the one node
 * visited at nearly every character — are also in a Map.
 */
class PhraseAutomaton {
  private constructor(
    private readonly point: Int32Array,
    private readonly firstChild: Int32Array,
    private readonly nextSibling: Int32Array,
    private readonly failure: Int32Array,
    private readonly lengthAt: Int32Array,
    /** The nearest node on the failure chain (itself excluded) where an entry ends; -1 when none. */
    private readonly nextEntryNode: Int32Array,
    /** The entry that ends at a node, by node. */
    private readonly entryAt: Map<number, string>,
    private readonly rootChildren: Map<number, number>,
    readonly size: number,
  ) {}

  static build(phrases: string[]): PhraseAutomaton {
    const point: number[] = [-1];
    const firstChild: number[] = [-1];
    const nextSibling: number[] = [-1];
    const depth: number[] = [0];
    const entryAt = new Map<number, string>();
    const rootChildren = new Map<number, number>();
    const childOf = (node: number, codePoint: number): number => {
      if (node === 0) return rootChildren.get(codePoint) ?? -1;
      for (let child = firstChild[node]; child !== -1; child = nextSibling[child]) if (point[child] === codePoint) return child;
      return -1;
    };
    for (const phrase of new Set(phrases)) {
      let node = 0;
      for (const character of phrase) {
        const codePoint = character.codePointAt(0) as number;
        let next = childOf(node, codePoint);
        if (next === -1) {
          next = point.length;
          point.push(codePoint);
          firstChild.push(-1);
          nextSibling.push(firstChild[node]);
          depth.push(depth[node] + 1);
          firstChild[node] = next;
          if (node === 0) rootChildren.set(codePoint, next);
        }
        node = next;
      }
      entryAt.set(node, phrase);
    }
    const failure = new Int32Array(point.length);
    const nextEntryNode = new Int32Array(point.length).fill(-1);
    // Breadth first, so a node's failure target (a shorter suffix) is finished before the node.
    const queue: number[] = [...rootChildren.values()];
    for (let head = 0; head < queue.length; head += 1) {
      const node = queue[head];
      for (let child = firstChild[node]; child !== -1; child = nextSibling[child]) {
        let fallback = failure[node];
        let target = childOf(fallback, point[child]);
        while (target === -1 && fallback !== 0) {
          fallback = failure[fallback];
          target = childOf(fallback, point[child]);
        }
        failure[child] = target === -1 || target === child ? 0 : target;
        const suffix = failure[child];
        nextEntryNode[child] = entryAt.has(suffix) ? suffix : nextEntryNode[suffix];
        queue.push(child);
      }
    }
    return new PhraseAutomaton(
      Int32Array.from(point),
      Int32Array.from(firstChild),
      Int32Array.from(nextSibling),
      failure,
      Int32Array.from(depth),
      nextEntryNode,
      entryAt,
      rootChildren,
      entryAt.size,
    );
  }

  private childOf(node: number, codePoint: number): number {
    if (node === 0) return this.rootChildren.get(codePoint) ?? -1;
    for (let child = this.firstChild[node]; child !== -1; child = this.nextSibling[child]) if (this.point[child] === codePoint) return child;
    return -1;
  }

  /** The first phrase (by where it ends) found on word boundaries in `points`, or null. */
  findIn(points: number[]): string | null {
    let node = 0;
    for (let index = 0; index < points.length; index += 1) {
      const codePoint = points[index];
      let next = this.childOf(node, codePoint);
      while (next === -1 && node !== 0) {
        node = this.failure[node];
        next = this.childOf(node, codePoint);
      }
      node = next === -1 ? 0 : next;
      for (let hit = this.entryAt.has(node) ? node : this.nextEntryNode[node]; hit !== -1; hit = this.nextEntryNode[hit]) {
        const start = index - this.lengthAt[hit] + 1;
        if (!isWordPoint(points[start - 1]) && !isWordPoint(points[index + 1])) return this.entryAt.get(hit) as string;
      }
    }
    return null;
  }
}

function isWordPoint(point: number | undefined): boolean {
  if (point === undefined) return false;
  // ASCII first: nearly every neighbour is one.
  if (point < 0x80) return (point >= 0x30 && point <= 0x39) || (point >= 0x61 && point <= 0x7a) || (point >= 0x41 && point <= 0x5a);
  return WORD_CHARACTER.test(String.fromCodePoint(point));
}

/**
 * Whether the text carries a link: a URL with a scheme (`https://…`, `ftp://…`), an address starting `www.`, or a
 * bare domain on a common top-level domain (`example.com/page`, `bit.ly`). Checked on folded text, so full-width or
 * look-alike letters do not hide one.
 */
const LINK =
  /(?:\b(?:https?|ftp):\/\/\S|\bwww\.[\p{L}\p{N}-]|(?<![\p{L}\p{M}\p{N}@.-])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|info|biz|io|co|uk|us|eu|de|fr|es|it|nl|ru|cn|in|au|ca|me|tv|ly|gl|gg|xyz|app|dev|news|online|site|top|club|link|click|shop|store|live|blog|tk|ml|ga|cf)(?![\p{L}\p{M}\p{N}-]))/iu;

export function containsLink(folded: FoldedText | string): boolean {
  return LINK.test(typeof folded === 'string' ? foldForMatching(folded) : folded.text);
}
