/**
 * What text we accept and how we compare it. Two different needs share one
 * place so that every path (registration, PATCH /me, banned words…) applies
 * the same rule:
 * - *storing*: PostgreSQL cannot store a NUL, and a lone UTF-16 surrogate would
 *   silently become U+FFFD on the way to it; control characters are invisible
 *   to readers, so they are refused too (newline and tab only where a field is
 *   multi-line);
 * - *comparing*: names are normalised (NFKC) before they are stored, and
 *   banned-word matching folds text so that invisible or look-alike characters
 *   cannot dodge the list.
 */

// Without the `u` flag a regular expression sees UTF-16 code units, so it can find an unpaired half.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** NUL anywhere, or a UTF-16 surrogate without its partner: text PostgreSQL cannot store as sent. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** C0 controls, DEL and C1 controls; a multi-line field also accepts tab, line feed and carriage return. */
// Matching control characters is the point of these two patterns.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

/** Storable, and free of characters no reader should see. */
export function isPlainText(text: string, options: { multiline: boolean }): boolean {
  return isStorableText(text) && !(options.multiline ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL).test(text);
}

/**
 * Any "other" character (\p{C}): controls, format characters such as
 * zero-width spaces and joiners, soft hyphens, bidi overrides and isolates,
 * private-use, surrogates and unassigned code points. A name holding one can
 * impersonate another name that looks the same, so names refuse them.
 */
const NOT_FOR_NAMES = /\p{C}/u;

/** Display names are stored in NFKC, so full-width letters and ligatures cannot make a second "Admin". */
export function normalizeDisplayName(name: string): string {
  return name.normalize('NFKC').trim();
}

export function isCleanDisplayName(name: string): boolean {
  return isStorableText(name) && !NOT_FOR_NAMES.test(name);
}

/** Format characters (zero-width space and joiners, soft hyphen, word joiner, bidi controls, tags…). */
const FORMAT_CHARACTERS = /\p{Cf}/gu;
const COMBINING_MARKS = /\p{M}/gu;

/**
 * Cyrillic and Greek letters that look like Latin ones, in lower case (text is
 * lower-cased first, so one table serves both cases). Where a capital and its
 * small letter look like different Latin letters (Greek Ν/ν, Η/η), the small
 * letter's look-alike wins, since comments are mostly written in lower case.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', ԁ: 'd', е: 'e', һ: 'h', н: 'h', і: 'i', ӏ: 'l', ј: 'j', к: 'k', м: 'm',
  о: 'o', р: 'p', ԛ: 'q', ѕ: 's', т: 't', у: 'y', ү: 'y', х: 'x', ԝ: 'w', с: 'c', ь: 'b',
  // Greek
  α: 'a', β: 'b', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p',
  τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w',
  // Latin letters outside a-z that read as one of them
  ı: 'i', ɩ: 'i', ɑ: 'a', ɡ: 'g',
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/**
 * Folds text for matching only (the stored text stays as written): NFKC turns
 * full-width letters and ligatures into plain ones; format characters are
 * dropped (so `b\u200Bad` and `b\u00ADad` read "bad"); lower-casing ignores
 * case; after NFD the combining marks are dropped (`ba\u0301d`, and accents in
 * general); Cyrillic and Greek look-alikes become the Latin letter they imitate.
 */
export function foldForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .replace(FORMAT_CHARACTERS, '')
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(LOOK_ALIKE, (letter) => LOOK_ALIKES[letter])
    .replace(/ς/g, 'σ');
}
