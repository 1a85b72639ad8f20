import type { Span } from '../span';
import { isSpace } from './tokens';

const NEWLINE = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const SEMICOLON = 59;
const PERIOD = 46;
const QUESTION = 63;
const EXCLAMATION = 33;
const LOWER_A = 97;
const LOWER_Z = 122;

function isLetterOrPeriod(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === PERIOD;
}

function isUpperLetter(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** Adds text[start, end) without its surrounding whitespace, unless that leaves nothing. */
function pushTrimmed(out: Span[], text: string, start: number, end: number): void {
  let s = start;
  let e = end;
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  if (e > s) out.push({ start: s, end: e });
}

function onlySpaces(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS: readonly string[] = ['dr', 'vs', 'e.g', 'i.e', 'approx', 'fig', 'no', 'mr', 'mrs', 'ms', 'st', 'cf', 'etc', 'dept', 'incl', 'excl'];
const LONGEST_ABBREVIATION = Math.max(...ABBREVIATIONS.map((a) => a.length));

/**
 * Whether text[k, i) (ASCII letters and periods) is an abbreviation in any case: compared in place, not sliced and
 * lower-cased (this runs at every period).
 */
function isAbbreviation(text: string, k: number, i: number): boolean {
  for (const a of ABBREVIATIONS) {
    if (a.length !== i - k) continue;
    let n = 0;
    while (n < a.length && (text.charCodeAt(k + n) | 32) === a.charCodeAt(n)) n++;
    if (n === a.length) return true;
  }
  return false;
}

/** The characters that may end a sentence: line break, ";" (unless `semicolons: false`), ".", "?", "!". */
const STOPS = /[\n;.?!]/g;
const STOPS_BUT_SEMICOLON = /[\n.?!]/g;

/** The position of the first of `stops`' characters at or after `at`, or -1. */
function nextStop(stops: RegExp, text: string, at: number): number {
  stops.lastIndex = at;
  return stops.test(text) ? stops.lastIndex - 1 : -1;
}

/**
 * Sentence spans of text[from, to), the scope unit of NegEx/ConText. A sentence ends at . ? ! (followed by
 * whitespace or the end; not after a known abbreviation, a single-letter part label like "A." or inside a number
 * like "1.5") and at ";" (unless `semicolons: false`). Pathology reports are line-oriented (headings, "Label: value" lines, part lines), so a
 * line break also ends a sentence unless the next line starts with a lower-case letter (a wrapped sentence).
 * Spans exclude surrounding whitespace; empty sentences are dropped.
 */
export function splitSentences(text: string, from = 0, to = text.length, options: { semicolons?: boolean } = {}): Span[] {
  const semicolons = options.semicolons ?? true;
  const stops = semicolons ? STOPS : STOPS_BUT_SEMICOLON;
  const out: Span[] = [];
  let start = from;
  // from one character that may end a sentence to the next: found by a regex's test (a native scan, and no match
  // array), then read as character codes; this runs over every report twice
  for (let i = nextStop(stops, text, from); i >= 0 && i < to; i = nextStop(stops, text, i + 1)) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      let j = i + 1;
      while (j < to && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB || text.charCodeAt(j) === CR)) j++;
      const next = j < text.length ? text.charCodeAt(j) : -1;
      if (next === -1 || j >= to || next === NEWLINE || !(next >= LOWER_A && next <= LOWER_Z)) {
        pushTrimmed(out, text, start, i);
        start = i + 1;
      }
      continue;
    }
    if (c === SEMICOLON && semicolons) {
      pushTrimmed(out, text, start, i + 1);
      start = i + 1;
      continue;
    }
    if (c === PERIOD || c === QUESTION || c === EXCLAMATION) {
      if (i + 1 < text.length && i + 1 < to && !isSpace(text.charCodeAt(i + 1))) continue;
      if (c === PERIOD) {
        // a dotted leader ("Tumor size ........ 2.1 cm") or an ellipsis does not end a sentence
        if (text.charCodeAt(i - 1) === PERIOD && text.charCodeAt(i - 2) === PERIOD) continue;
        // the letters and periods right before it (at most 12 characters, not before the sentence's start)
        let k = i;
        const limit = Math.max(start, i - 12);
        while (k > limit && isLetterOrPeriod(text.charCodeAt(k - 1))) k--;
        if (k < i && i - k <= LONGEST_ABBREVIATION && isAbbreviation(text, k, i)) continue;
        // "A." / "B." part labels at the start of a line or sentence
        if (k === i - 1 && isUpperLetter(text.charCodeAt(k)) && onlySpaces(text, start, i - 1)) continue;
      }
      pushTrimmed(out, text, start, i + 1);
      start = i + 1;
    }
  }
  pushTrimmed(out, text, start, to);
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
