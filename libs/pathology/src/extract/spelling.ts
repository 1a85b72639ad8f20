// Typo-tolerant keywords: a word within a small edit distance of a pathology keyword ("lymphovascualr",
// "adenocarcinma", "Gleeson", "differentated") is read as that keyword. Extraction runs on a corrected copy of the
// text; `toOriginal` maps every corrected offset back to the verbatim text, so spans still index into it.
// Only words that are not themselves keywords (or their listed forms) are corrected, the first letter must agree,
// and the closest keyword must be unique: distance 1 for words under 10 letters, 2 from 10 letters on (Damerau:
// a swap of two neighbours counts 1).

/** Keywords and the forms that are correct as written (a plural is not a typo of its singular). */
export const PATHOLOGY_KEYWORDS: readonly string[] = [
  'carcinoma', 'carcinomas', 'adenocarcinoma', 'adenocarcinomas', 'lymphovascular', 'perineural', 'neurotropism',
  'differentiated', 'undifferentiated', 'differentiation', 'melanoma', 'melanomas', 'receptor', 'receptors', 'gleason',
  'positive', 'negative', 'resection', 'invasive', 'invasion', 'metastatic', 'metastasis', 'metastases', 'identified',
  'mastectomy', 'lumpectomy', 'prostatectomy', 'hemicolectomy', 'colectomy', 'lobectomy', 'estrogen', 'progesterone',
  'infiltrating', 'squamous', 'endometrioid', 'mucinous', 'margins', 'margin', 'angiolymphatic', 'microsatellite',
  'lymphatic', 'vascular', 'perineurial', 'amplified', 'rearrangement', 'mutation', 'mutations', 'detected',
];
const KEYWORDS = new Set(PATHOLOGY_KEYWORDS);
/** A word longer than this is more than two edits from every keyword. */
const LONGEST_CORRECTABLE = Math.max(...PATHOLOGY_KEYWORDS.map((k) => k.length)) + 2;
/**
 * 1 at [first letter code (either case), word length] when some keyword has that first letter and a length within
 * the word's edit budget: closestKeyword looks at no other keyword, so any other word is never looked up.
 */
const MAY_BE_TYPO = new Uint8Array(128 * (LONGEST_CORRECTABLE + 1));
for (let length = 6; length <= LONGEST_CORRECTABLE; length++) {
  for (const k of PATHOLOGY_KEYWORDS) {
    if (Math.abs(k.length - length) > (length >= 10 ? 2 : 1)) continue;
    MAY_BE_TYPO[k.charCodeAt(0) * (LONGEST_CORRECTABLE + 1) + length] = 1;
    MAY_BE_TYPO[k.toUpperCase().charCodeAt(0) * (LONGEST_CORRECTABLE + 1) + length] = 1;
  }
}
/** English words one edit away from a keyword that must stay as written. */
const NOT_TYPOS = new Set(['negatives', 'positives', 'receptive', 'invasions', 'margined', 'detector', 'mutational', 'vascularity']);

export interface SpellingCorrection {
  /** The text extraction reads: equal to the input when nothing was corrected. */
  text: string;
  /** Offsets of `text` → offsets of the verbatim input. */
  toOriginal: (offset: number) => number;
  corrections: { start: number; end: number; word: string; keyword: string }[];
}

/** Damerau-Levenshtein (optimal string alignment) distance, stopping early above `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j] as number;
    prev = cur;
    if (rowMin > max) return max + 1;
  }
  return prev[b.length] as number;
}

/** The keyword a word is a typo of, or undefined (the word is a keyword, too short, or not close to exactly one). */
const KEYWORD_CACHE = new Map<string, string | null>();

const RAW_CACHE = new Map<string, string | null>();

export function keywordFor(word: string): string | undefined {
  // most words recur as written: look them up before lower-casing
  const raw = RAW_CACHE.get(word);
  if (raw !== undefined) return raw ?? undefined;
  const found = keywordForLower(word.toLowerCase());
  if (RAW_CACHE.size < 100_000) RAW_CACHE.set(word, found ?? null);
  return found;
}

function keywordForLower(w: string): string | undefined {
  const cached = KEYWORD_CACHE.get(w);
  if (cached !== undefined) return cached ?? undefined;
  const found = closestKeyword(w);
  if (KEYWORD_CACHE.size < 100_000) KEYWORD_CACHE.set(w, found ?? null);
  return found;
}

function closestKeyword(w: string): string | undefined {
  if (w.length < 6 || KEYWORDS.has(w) || NOT_TYPOS.has(w)) return undefined;
  const max = w.length >= 10 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const k of PATHOLOGY_KEYWORDS) {
    if (k[0] !== w[0] || Math.abs(k.length - w.length) > max) continue;
    const d = editDistance(w, k, max);
    if (d > max) continue;
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && k !== best) tie = true;
  }
  return best && !tie ? best : undefined;
}

function inCaseOf(word: string, keyword: string): string {
  if (word === word.toUpperCase()) return keyword.toUpperCase();
  if (word[0] === word[0]?.toUpperCase()) return (keyword[0] as string).toUpperCase() + keyword.slice(1);
  return keyword;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const LONG_WORD = /[A-Za-z]{6,}/g;

/**
 * keywordFor of the ASCII-letter word text[i, end), remembered under a small-integer key of its length, first,
 * middle and last letters and compared in place (startsWith): a repeated word costs no slice and no string hash.
 */
const WORDS_BY_KEY = new Map<number, { word: string; keyword: string | undefined }[]>();
let wordsSeen = 0;

function keywordAt(text: string, i: number, end: number): string | undefined {
  const n = end - i;
  const key = n | (text.charCodeAt(i) << 5) | (text.charCodeAt(i + (n >> 1)) << 12) | (text.charCodeAt(end - 1) << 19);
  let bucket = WORDS_BY_KEY.get(key);
  if (bucket !== undefined) for (const e of bucket) if (text.startsWith(e.word, i)) return e.keyword;
  const word = text.slice(i, end);
  const keyword = keywordFor(word);
  if (wordsSeen < 100_000) {
    wordsSeen++;
    if (bucket === undefined) WORDS_BY_KEY.set(key, (bucket = []));
    bucket.push({ word, keyword });
  }
  return keyword;
}

/** The text with keyword typos corrected, and the offset map back to the verbatim text. */
export function correctSpelling(text: string): SpellingCorrection {
  const corrections: SpellingCorrection['corrections'] = [];
  // every run of 6+ ASCII letters: found by the regex's test (a native scan, and no match array per word), which
  // leaves lastIndex at the run's end (the match is greedy and starts where the run does: a longer run to its left
  // would have matched first); its start is found by stepping back over its letters
  LONG_WORD.lastIndex = 0;
  while (LONG_WORD.test(text)) {
    const end = LONG_WORD.lastIndex;
    let i = end - 6;
    while (i > 0 && isAsciiLetter(text.charCodeAt(i - 1))) i--;
    // only a word that may be a keyword's typo is looked up (most are not: no slice, no cache lookup)
    if (end - i <= LONGEST_CORRECTABLE && MAY_BE_TYPO[text.charCodeAt(i) * (LONGEST_CORRECTABLE + 1) + end - i] === 1) {
      const keyword = keywordAt(text, i, end);
      if (keyword) {
        const word = text.slice(i, end);
        corrections.push({ start: i, end, word, keyword: inCaseOf(word, keyword) });
      }
    }
  }
  if (corrections.length === 0) return { text, toOriginal: (o) => o, corrections };
  let out = '';
  let last = 0;
  // anchors: [corrected offset, original offset, corrected end, original end] per correction
  const anchors: { at: number; orig: number; newLength: number; oldLength: number }[] = [];
  for (const c of corrections) {
    out += text.slice(last, c.start);
    anchors.push({ at: out.length, orig: c.start, newLength: c.keyword.length, oldLength: c.end - c.start });
    out += c.keyword;
    last = c.end;
  }
  out += text.slice(last);
  // shift before each anchor, so a lookup is a binary search (large texts may hold many corrections)
  const before: number[] = [];
  let acc = 0;
  for (const a of anchors) {
    before.push(acc);
    acc += a.oldLength - a.newLength;
  }
  const toOriginal = (offset: number): number => {
    let lo = 0;
    let hi = anchors.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((anchors[mid] as (typeof anchors)[number]).at <= offset) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k < 0) return offset;
    const a = anchors[k] as (typeof anchors)[number];
    if (offset < a.at + a.newLength) return a.orig + Math.min(offset - a.at, a.oldLength);
    return offset + (before[k] as number) + a.oldLength - a.newLength;
  };
  return { text: out, toOriginal, corrections };
}
