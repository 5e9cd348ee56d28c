/** The deepest JSON body the API takes (API.md, Conventions). */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/**
 * True when the JSON text opens more than `maxDepth` nested objects or arrays.
 * It scans the raw bytes once, before parsing, so a deep body costs no parse
 * and never reaches a handler or the recursive validators behind it. UTF-8
 * continuation bytes are all ≥ 0x80, so they cannot be taken for a bracket or
 * a quote; malformed JSON is left for the parser to refuse.
 */
export function exceedsJsonDepth(body: Buffer, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index += 1) {
    const byte = body[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return false;
}
