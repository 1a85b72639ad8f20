import { isSpace } from '../context/tokens';
import type { ReportSection } from '../sections';
import type { Span } from '../span';

/** One line or sentence of a report that extractors read, with its synoptic "Label: value" parts when it has them. */
export interface ExtractionUnit {
  /** The whole report text (spans index into it). */
  text: string;
  span: Span;
  section: ReportSection;
  /** "Label: value" lines (CAP-style synoptic, also "- TUMOR SIZE: 2.3 CM" bullets). */
  label?: { span: Span; norm: string };
  value?: Span;
}

/**
 * "Label: value" on one line (or a dotted leader: "Tumor size ........ 2.3 cm"): the label up to 80 characters; a
 * clock position ("2:00") is not the label's colon but may sit inside the label ("Left breast 12:00, core bx: …").
 */
const LABEL_LINE_CLOCK = /^([ \t]*(?:[-•*][ \t]*)?(?:\(\d{1,2}\)[ \t]*|\d{1,2}[.)][ \t]+)?)([A-Za-z](?:[^:\n]|:(?=\d\d)){0,79}?)[ \t]*(?::(?!\d\d)|\.{3,}:?)[ \t]*(\S[^\n]*?)[ \t]*$/;
/** The same without a clock inside the label: a plain character class, the common case, and much faster. */
const LABEL_LINE_PLAIN = /^([ \t]*(?:[-•*][ \t]*)?(?:\(\d{1,2}\)[ \t]*|\d{1,2}[.)][ \t]+)?)([A-Za-z][^:\n]{0,79}?)[ \t]*(?::(?!\d\d)|\.{3,}:?)[ \t]*(\S[^\n]*?)[ \t]*$/;
const LABEL_LINE = {
  exec: (line: string): RegExpExecArray | null => LABEL_LINE_PLAIN.exec(line) ?? (/\d:\d\d/.test(line) ? LABEL_LINE_CLOCK.exec(line) : null),
  test: (line: string): boolean => LABEL_LINE.exec(line) !== null,
};

export function labelledUnit(text: string, span: Span, section: ReportSection): ExtractionUnit {
  const line = text.slice(span.start, span.end);
  // (a label line has a ":" or a dotted leader: most prose sentences have neither, and skip the regex)
  if (line.includes('\n') || (!line.includes(':') && !line.includes('...'))) return { text, span, section };
  const m = LABEL_LINE.exec(line);
  if (!m) return { text, span, section };
  const labelStart = span.start + (m[1] as string).length;
  const label = m[2] as string;
  const valueStart = span.start + line.lastIndexOf(m[3] as string);
  return {
    text,
    span: { start: labelStart, end: span.end },
    section,
    label: { span: { start: labelStart, end: labelStart + label.length }, norm: normalizeLabel(label) },
    value: { start: valueStart, end: valueStart + (m[3] as string).length },
  };
}

/**
 * "ER: negative (<1%); PR: negative (0%)", "Tumor site: sigmoid colon | Grade: low grade | pT3 | pN1c": a line of
 * several "Label: value" pieces separated by ";" or "|" is one unit per piece (a ";" inside a value that is not
 * followed by another label stays in its piece).
 */
export function labelledPieces(text: string, unit: ExtractionUnit): ExtractionUnit[] {
  if (!unit.label || !unit.value) return [unit];
  const line = text.slice(unit.value.start, unit.span.end);
  if (!line.includes(';') && !line.includes('|')) return [unit];
  const cuts: number[] = [];
  for (const m of allMatches(line, /;[ \t]*(?=[A-Za-z][^:;\n]{0,40}:[ \t]*\S)|\|/g)) cuts.push(unit.value.start + (m.index ?? 0));
  if (cuts.length === 0) return [unit];
  const out: ExtractionUnit[] = [];
  let start = unit.span.start;
  for (const cut of [...cuts, unit.span.end]) {
    let s = start;
    let e = cut;
    while (s < e && /[\s;|]/.test(text[s] as string)) s++;
    while (e > s && /\s/.test(text[e - 1] as string)) e--;
    if (s < e) out.push(labelledUnit(text, { start: s, end: e }, unit.section));
    start = cut + 1;
  }
  return out;
}

/** "Label:" alone on a line (the value on the next line). */
const LABEL_ONLY = /^([ \t]*(?:[-•*][ \t]*)?)([A-Za-z][^:\n]{0,79}?)[ \t]*:[ \t]*$/;

/**
 * A label whose value sits on the next line ("Lymphovascular invasion:" / "  Not identified") as one labelled
 * unit spanning both lines; undefined unless `span` is such a label line and `next` is a value line (not itself a
 * label line) directly below it.
 */
export function labelWithValueBelow(text: string, span: Span, next: Span | undefined, section: ReportSection): ExtractionUnit | undefined {
  if (!next) return undefined;
  const line = text.slice(span.start, span.end);
  if (!line.includes(':')) return undefined;
  const m = LABEL_ONLY.exec(line);
  // a part line ("A. LEFT BREAST, LUMPECTOMY:") heads the part's diagnosis lines; it is not a label
  if (!m || /^(?:[A-Z]\d?[.)]|\d+[.)])\s/.test(m[2] as string) || (m[2] as string).includes(',') || (m[2] as string).length > 50) return undefined;
  const between = text.slice(span.end, next.start);
  if (!/^[ \t]*\r?\n[ \t]*$/.test(between)) return undefined;
  const value = text.slice(next.start, next.end);
  // a value line that itself ends with ":" is a part line or a heading ("LEFT BREAST, 4:00, CORE BIOPSY:")
  if (value.includes('\n') || LABEL_LINE.test(value) || /:\s*$/.test(value) || value.length > 120) return undefined;
  const labelStart = span.start + (m[1] as string).length;
  const label = m[2] as string;
  return {
    text,
    span: { start: labelStart, end: next.end },
    section,
    label: { span: { start: labelStart, end: labelStart + label.length }, norm: normalizeLabel(label) },
    value: { start: next.start, end: next.end },
  };
}

/**
 * Whether a tumour or organ word at `at` of s names no tumour: inside a CAP protocol's name ("SYNOPTIC REPORT (CAP
 * cutaneous melanoma, excision)") or in the name of a test, panel or service ("COLORECTAL CARCINOMA PANEL", "LUNG
 * CANCER NGS PANEL", "Melanoma Oncology Clinic"); `end` is where the word ends.
 */
export function namesNoTumour(s: string, at: number, end: number): boolean {
  // one test per unit text (the callers ask for every tumour word of a unit)
  if (s !== lastNamed.s) lastNamed = { s, may: MAY_NAME.test(s) };
  if (!lastNamed.may) return false;
  return /\(\s*CAP\b[^()]*$/.test(s.slice(Math.max(0, at - 80), at)) || NAME_AFTER.test(s.slice(end, end + 30));
}
let lastNamed = { s: '', may: false };
/** A cheap test that s holds a protocol, panel or service name at all. */
const MAY_NAME = /\(\s*CAP\b|panel|protocol|oncology|clinic|service|program|unit\b|board|team/i;
const NAME_AFTER = /^\s+(?:[A-Z]{2,5}\s+)?(?:panel|protocol|oncology|clinic|service|program|unit|board|team)\b/i;

export function normalizeLabel(label: string): string {
  return label.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function sliceOf(unit: ExtractionUnit, span: Span = unit.span): string {
  if (span !== unit.span) return unit.text.slice(span.start, span.end);
  // every extractor reads the unit's whole text in turn: the last unit's is kept (one slice per unit, not one per call)
  if (unit !== lastSliced.unit) lastSliced = { unit, text: unit.text.slice(span.start, span.end) };
  return lastSliced.text;
}
let lastSliced: { unit: ExtractionUnit | undefined; text: string } = { unit: undefined, text: '' };

/** The span [start+from, start+to) of the unit, trimmed of spaces and trailing , ; . */
export function subSpan(unit: ExtractionUnit, from: number, to: number, base: Span = unit.span): Span {
  let start = base.start + from;
  let end = base.start + to;
  // character codes, not a regex test per character (every candidate's span is trimmed here)
  const text = unit.text;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && (isSpace(text.charCodeAt(end - 1)) || isComma(text.charCodeAt(end - 1)))) end--;
  return { start, end };
}

/** The unit's line without a trailing period (what synoptic findings point at). */
export function lineSpan(unit: ExtractionUnit): Span {
  let end = unit.span.end;
  while (end > unit.span.start && (isSpace(unit.text.charCodeAt(end - 1)) || unit.text.charCodeAt(end - 1) === 46 || unit.text.charCodeAt(end - 1) === 59)) end--;
  return { start: unit.span.start, end };
}

/** , ; . : (what a span's end is trimmed of besides spaces). */
function isComma(c: number): boolean {
  return c === 44 || c === 59 || c === 46 || c === 58;
}

/**
 * [...s.matchAll(re)] for a global regex, without matchAll's copy of the regex on every call (it cost about as much
 * as the scan itself on a unit's short text, and extractors scan every unit many times). Like matchAll it starts at
 * re.lastIndex, steps over an empty match, and leaves re.lastIndex as it found it.
 */
export function allMatches(s: string, re: RegExp): RegExpExecArray[] {
  const from = re.lastIndex;
  const out: RegExpExecArray[] = [];
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    out.push(m);
    if (m[0] === '') re.lastIndex = advance(s, re.lastIndex, re.unicode);
  }
  re.lastIndex = from;
  return out;
}

function advance(s: string, index: number, unicode: boolean): number {
  if (!unicode || index + 1 >= s.length) return index + 1;
  const c = s.charCodeAt(index);
  return c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(index + 1) & 0xfc00) === 0xdc00 ? index + 2 : index + 1;
}
