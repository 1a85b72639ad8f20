import type { Span } from '../span';

/** A word (letters/digits, joined by internal ' ’ / - ) or a single punctuation mark, with its offsets. */
export interface Token extends Span {
  /** Lower-cased text; ’ normalised to '. */
  norm: string;
  word: boolean;
}

const TOKEN = /[A-Za-z0-9]+(?:['’/\-][A-Za-z0-9]+)*|[^\sA-Za-z0-9]/g;

/** Tokens of text[from, to) with offsets into the whole text. */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const out: Token[] = [];
  const part = text.slice(from, to);
  for (const m of part.matchAll(TOKEN)) {
    const start = from + (m.index ?? 0);
    const lower = m[0].toLowerCase();
    // a token is a word when it starts with a letter or digit (TOKEN's first alternative), else one mark
    const c = lower.charCodeAt(0);
    out.push({ start, end: start + m[0].length, norm: lower.includes('’') ? lower.replace(/’/g, "'") : lower, word: (c >= 97 && c <= 122) || (c >= 48 && c <= 57) });
  }
  return out;
}

/** A lexicon phrase as the token sequence it must match. */
export function phraseTokens(phrase: string): string[] {
  return tokenize(phrase.trim()).map((t) => t.norm);
}
