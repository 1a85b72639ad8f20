import type { Span } from '../span';

/** A word (letters/digits, joined by internal ' ’ / - ) or a single punctuation mark, with its offsets. */
export interface Token extends Span {
  /** Lower-cased text; ’ normalised to '. */
  norm: string;
  word: boolean;
}

/** ASCII letter or digit: what a word is made of. */
function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** What the regular expression class \s matches (JavaScript's definition: Unicode spaces and line ends). */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** A joiner inside a word: ' ’ / - */
function isJoiner(c: number): boolean {
  return c === 39 || c === 0x2019 || c === 47 || c === 45;
}

/**
 * Tokens of text[from, to) with offsets into the whole text: what /[A-Za-z0-9]+(?:['’/\-][A-Za-z0-9]+)*|[^\sA-Za-z0-9]/g
 * finds, scanned by hand (this runs for every sentence a finding sits in; a regex's match arrays were the largest
 * share of extraction's garbage).
 */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const out: Token[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    let end = i + 1;
    // anything else that is not a space is a mark of one UTF-16 unit (as the regex, which has no u flag)
    if (isAlnum(c)) {
      while (end < to && isAlnum(text.charCodeAt(end))) end++;
      while (end + 1 < to && isJoiner(text.charCodeAt(end)) && isAlnum(text.charCodeAt(end + 1))) {
        end += 2;
        while (end < to && isAlnum(text.charCodeAt(end))) end++;
      }
    }
    const lower = text.slice(i, end).toLowerCase();
    // a word when its lower-cased text starts with a letter or digit (as before: "İ" lower-cases to "i̇")
    const l = lower.charCodeAt(0);
    out.push({ start: i, end, norm: lower.includes('’') ? lower.replace(/’/g, "'") : lower, word: (l >= 97 && l <= 122) || (l >= 48 && l <= 57) });
    i = end;
  }
  return out;
}

/** A lexicon phrase as the token sequence it must match. */
export function phraseTokens(phrase: string): string[] {
  return tokenize(phrase.trim()).map((t) => t.norm);
}
