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
    let norm: string;
    // anything else that is not a space is a mark of one UTF-16 unit (as the regex, which has no u flag)
    if (isAlnum(c)) {
      // a word is ASCII letters, digits and joiners: lower-case it (and map ’ to ') only when it needs it
      let plain = c > 90 || c < 65;
      while (end < to && isAlnum(text.charCodeAt(end))) if (!isPlain(text.charCodeAt(end++))) plain = false;
      while (end + 1 < to && isJoiner(text.charCodeAt(end)) && isAlnum(text.charCodeAt(end + 1))) {
        if (text.charCodeAt(end) === RIGHT_QUOTE || !isPlain(text.charCodeAt(end + 1))) plain = false;
        end += 2;
        while (end < to && isAlnum(text.charCodeAt(end))) if (!isPlain(text.charCodeAt(end++))) plain = false;
      }
      const word = text.slice(i, end);
      norm = plain ? word : normOf(word);
    } else norm = c < 128 ? text.slice(i, end) : normOf(text.slice(i, end)); // lower-casing leaves an ASCII mark as it is
    // a word when its lower-cased text starts with a letter or digit (as before: "İ" lower-cases to "i̇")
    const l = norm.charCodeAt(0);
    out.push({ start: i, end, norm, word: (l >= 97 && l <= 122) || (l >= 48 && l <= 57) });
    i = end;
  }
  return out;
}

const RIGHT_QUOTE = 0x2019;

/** Not an upper-case ASCII letter (what lower-casing a word's character leaves as it is; ’ is checked apart). */
function isPlain(c: number): boolean {
  return c < 65 || c > 90;
}

/** A token's normal form: lower-cased, ’ written '. */
function normOf(token: string): string {
  const lower = token.toLowerCase();
  return lower.includes('’') ? lower.replace(/’/g, "'") : lower;
}

/** A 16-bit hash of a token's normal form (`Token.norm`), the same `mayHoldPhrase` computes from the text. */
function normHash(norm: string): number {
  let h = 0;
  for (let k = 0; k < norm.length; k++) h = (Math.imul(h, 31) + norm.charCodeAt(k)) | 0;
  return (h ^ (h >>> 16)) & 0xffff;
}

/** The slot of two neighbouring tokens' hashes in PhraseFilter.pairs. */
function pairSlot(first: number, second: number): number {
  return Math.imul((first << 16) | second, 0x9e3779b1) >>> 16;
}

/**
 * A filter for "may this text hold one of these phrases (token sequences)": 1 at the hash of each one-word phrase's
 * word, and at the slot of each longer phrase's first two words. No false negatives; rare false positives.
 */
export interface PhraseFilter {
  words: Uint8Array;
  pairs: Uint8Array;
}

export function phraseFilter(phrases: Iterable<readonly string[]>): PhraseFilter {
  const filter: PhraseFilter = { words: new Uint8Array(65536), pairs: new Uint8Array(65536) };
  for (const p of phrases) {
    if (p.length === 1) filter.words[normHash(p[0] as string)] = 1;
    else if (p.length > 1) filter.pairs[pairSlot(normHash(p[0] as string), normHash(p[1] as string))] = 1;
  }
  return filter;
}

/**
 * Whether text[from, to) may hold one of the filter's phrases: a scan of its tokens (cut as `tokenize` cuts them)
 * that hashes their normal forms on the way instead of building them. Allocates nothing for ASCII text: most
 * sentences hold no ConText trigger, and tokenizing them only to find that out was most of ConText's time.
 */
export function mayHoldPhrase(text: string, from: number, to: number, filter: PhraseFilter): boolean {
  const { words, pairs } = filter;
  let previous = -1;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    let h: number;
    let end = i + 1;
    if (isAlnum(c)) {
      // the lower-cased characters (’ as ') of the word tokenize cuts here
      h = lowerAscii(c);
      for (; end < to && isAlnum(text.charCodeAt(end)); end++) h = (Math.imul(h, 31) + lowerAscii(text.charCodeAt(end))) | 0;
      while (end + 1 < to && isJoiner(text.charCodeAt(end)) && isAlnum(text.charCodeAt(end + 1))) {
        const j = text.charCodeAt(end);
        h = (Math.imul(h, 31) + (j === RIGHT_QUOTE ? 39 : j)) | 0;
        for (end++; end < to && isAlnum(text.charCodeAt(end)); end++) h = (Math.imul(h, 31) + lowerAscii(text.charCodeAt(end))) | 0;
      }
      h = (h ^ (h >>> 16)) & 0xffff;
    } else if (c < 128) h = c; // an ASCII mark is its own normal form, and normHash of one such character is its code
    else h = normHash(normOf(text.slice(i, end)));
    if (words[h] === 1 || (previous >= 0 && pairs[pairSlot(previous, h)] === 1)) return true;
    previous = h;
    i = end;
  }
  return false;
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A lexicon phrase as the token sequence it must match. */
export function phraseTokens(phrase: string): string[] {
  return tokenize(phrase.trim()).map((t) => t.norm);
}
