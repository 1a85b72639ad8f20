import type { Span } from '../span';

/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS = new Set(['dr', 'vs', 'e.g', 'i.e', 'approx', 'fig', 'no', 'mr', 'mrs', 'ms', 'st', 'cf', 'etc', 'dept']);

/**
 * Sentence spans of text[from, to), the scope unit of NegEx/ConText. A sentence ends at . ? ! (followed by
 * whitespace or the end; not after a known abbreviation, a single-letter part label like "A." or inside a number
 * like "1.5") and at ";" (unless `semicolons: false`). Pathology reports are line-oriented (headings, "Label: value" lines, part lines), so a
 * line break also ends a sentence unless the next line starts with a lower-case letter (a wrapped sentence).
 * Spans exclude surrounding whitespace; empty sentences are dropped.
 */
export function splitSentences(text: string, from = 0, to = text.length, options: { semicolons?: boolean } = {}): Span[] {
  const semicolons = options.semicolons ?? true;
  const out: Span[] = [];
  let start = from;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s] as string)) s++;
    while (e > s && /\s/.test(text[e - 1] as string)) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  for (let i = from; i < to; i++) {
    const c = text[i] as string;
    if (c === '\n') {
      let j = i + 1;
      while (j < to && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
      const next = text[j];
      if (next === undefined || j >= to || next === '\n' || !/[a-z]/.test(next)) {
        push(i);
        start = i + 1;
      }
      continue;
    }
    if (c === ';' && semicolons) {
      push(i + 1);
      start = i + 1;
      continue;
    }
    if (c === '.' || c === '?' || c === '!') {
      const after = text[i + 1];
      if (after !== undefined && i + 1 < to && !/\s/.test(after)) continue;
      if (c === '.') {
        // a dotted leader ("Tumor size ........ 2.1 cm") or an ellipsis does not end a sentence
        if (text[i - 1] === '.' && text[i - 2] === '.') continue;
        const before = /([A-Za-z.]+)$/.exec(text.slice(Math.max(start, i - 12), i));
        const word = before?.[1]?.toLowerCase() ?? '';
        if (ABBREVIATIONS.has(word)) continue;
        // "A." / "B." part labels at the start of a line or sentence
        if (/^[A-Z]$/.test(before?.[1] ?? '') && text.slice(start, i - 1).trim() === '') continue;
      }
      push(i + 1);
      start = i + 1;
    }
  }
  push(to);
  return out;
}

/** The sentence (of `sentences`) that holds the position, if any. */
export function sentenceAt(sentences: readonly Span[], position: number): Span | undefined {
  // sentences are in text order and do not overlap: binary search (a 50 MB text has ~10^6 sentences)
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid] as Span;
    if (position < s.start) hi = mid - 1;
    else if (position >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}
