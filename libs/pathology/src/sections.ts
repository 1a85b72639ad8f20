// Sections of a pathology report: a heading line ("FINAL DIAGNOSIS:", "Gross Description", "ADDENDUM 1 (2026-03-04)")
// starts a section that runs to the next heading. Offsets index into the report text.
import { isSpace } from './context/tokens';
import type { Span } from './span';

const CR = 13;
const TAB = 9;
const SPACE = 32;

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export const SECTION_KINDS = ['header', 'clinical-history', 'specimen', 'diagnosis', 'gross', 'microscopic', 'synoptic', 'ancillary', 'comment', 'addendum'] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

export interface ReportSection {
  kind: SectionKind;
  /** 0-based position among the report's sections. */
  index: number;
  /** The heading words (e.g. "FINAL DIAGNOSIS"); absent for the header before the first heading. */
  headingSpan?: Span;
  /** The section's content after the heading (and its colon), to the next heading. */
  bodySpan: Span;
  /** Heading and body. */
  span: Span;
  /** Addenda: 1, 2... in order of appearance. */
  ordinal?: number;
  /** A date the heading states (addenda: "ADDENDUM (2026-03-04)"), as ISO yyyy-mm-dd. */
  date?: string;
}

/** Heading phrases per kind; order matters where one is a prefix of another (checked longest first). */
const HEADINGS: readonly [SectionKind, string][] = [
  ['clinical-history', String.raw`clinical (?:history|information|data|indication)|history|pre-?operative diagnosis|post-?operative diagnosis|indication`],
  ['specimen', String.raw`specimens?(?: submitted| received| source)?|source of specimens?|specimen\(s\)`],
  ['synoptic', String.raw`synoptic (?:report|summary|checklist)|synoptic|cancer (?:case )?summary|tumou?r summary|cap (?:cancer )?(?:protocol|checklist|synoptic)(?: [a-z0-9 ,()\-]+)?`],
  ['ancillary', String.raw`(?:results of )?(?:immunohistochemistry|immunohistochemical (?:stains|studies|results)|special stains|ancillary (?:studies|testing)|biomarkers?(?: results| studies| testing)?|breast biomarker (?:results|studies)|predictive (?:markers|biomarkers)|molecular (?:pathology|results|studies|testing|findings)|mismatch repair (?:protein )?(?:studies|results|testing))`],
  ['diagnosis', String.raw`final (?:pathologic(?:al)? )?diagnos[ie]s|(?:surgical )?patholog(?:ic|ical|y) diagnos[ie]s|diagnos[ie]s|interpretation`],
  ['gross', String.raw`gross (?:description|examination)|gross|macroscopic (?:description|examination)|macroscopic`],
  ['microscopic', String.raw`microscopic (?:description|examination|findings)|microscopic|microscopy`],
  ['comment', String.raw`(?:diagnostic )?comments?|notes?`],
  ['addendum', String.raw`addend(?:um|a)(?: report)?(?:\s*#?\s*\d+)?(?:\s+(?:\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}))?|amended report|amendment(?:\s*\/\s*addendum)?|corrected report`],
];

const HEADING_ALTERNATIVES = HEADINGS.map(([, re]) => `(${re})`).join('|');
/**
 * A line that is only a heading (any case), optionally with a colon and, for addenda, a date/qualifier: "ADDENDUM
 * 05/20/2026 — CORRECTED RESULT", "AMENDMENT/ADDENDUM (issued 05/11/2026):".
 */
const WHOLE_LINE = new RegExp(String.raw`^[ \t]*(?:${HEADING_ALTERNATIVES})[ \t]*(?:[(\-–—][^\n:]*\)?)?[ \t]*:?[ \t]*$`, 'i');
/** An upper-case heading followed by a colon and content on the same line: "DIAGNOSIS: Invasive ...". */
const INLINE = new RegExp(String.raw`^[ \t]*(?:${HEADING_ALTERNATIVES})[ \t]*:[ \t]*\S`, 'i');

function kindOf(m: RegExpExecArray): SectionKind | undefined {
  for (let k = 0; k < HEADINGS.length; k++) if (m[k + 1] !== undefined) return (HEADINGS[k] as [SectionKind, string])[0];
  return undefined;
}

function isoDate(s: string): string | undefined {
  let m = /(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(s);
  if (m) return `${m[3]}-${(m[1] as string).padStart(2, '0')}-${(m[2] as string).padStart(2, '0')}`;
  return undefined;
}

/** The report's sections in order; a report without headings is one "header" section. */
export function detectSections(text: string): ReportSection[] {
  const headings: { kind: SectionKind; headingSpan: Span; bodyStart: number; date?: string }[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // every heading phrase starts with a letter, which the case-insensitive patterns match only as an ASCII letter:
    // a line whose first character after blanks is none is no heading (no slice, no regex)
    let first = lineStart;
    while (first < lineEnd && (text.charCodeAt(first) === SPACE || text.charCodeAt(first) === TAB)) first++;
    if (!isAsciiLetter(text.charCodeAt(first))) {
      if (lineEnd >= text.length) break;
      lineStart = lineEnd + 1;
      continue;
    }
    // the line without a trailing "\r" (a char test, not a regex replace per line)
    const line = text.slice(lineStart, lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd);
    const whole = WHOLE_LINE.exec(line);
    // Inline headings: upper case only, and never "Specimen: ..." (a synoptic label); INLINE needs a colon
    const inline = whole || !line.includes(':') ? null : INLINE.exec(line);
    const m = whole ?? (inline && kindOf(inline) !== 'specimen' && isUpperHeading(inline) ? inline : null);
    const kind = m ? kindOf(m) : undefined;
    if (m && kind) {
      const words = (m.slice(1).find((g) => g !== undefined) as string).trim();
      const hs = lineStart + line.indexOf(words);
      const colon = line.indexOf(':', hs - lineStart + words.length);
      const bodyStart = whole ? lineEnd + 1 : lineStart + colon + 1;
      const date = kind === 'addendum' ? isoDate(line) : undefined;
      headings.push({ kind, headingSpan: { start: hs, end: hs + words.length }, bodyStart: Math.min(bodyStart, text.length), ...(date ? { date } : {}) });
    }
    if (lineEnd >= text.length) break;
    lineStart = lineEnd + 1;
  }
  const sections: ReportSection[] = [];
  const firstStart = headings[0]?.headingSpan.start ?? text.length;
  if (text.slice(0, firstStart).trim() !== '') {
    sections.push({ kind: 'header', index: 0, bodySpan: { start: 0, end: trimEnd(text, 0, firstStart) }, span: { start: 0, end: trimEnd(text, 0, firstStart) } });
  }
  let addenda = 0;
  headings.forEach((h, n) => {
    const next = headings[n + 1]?.headingSpan.start ?? text.length;
    const end = trimEnd(text, h.bodyStart, next);
    let bodyStart = h.bodyStart;
    while (bodyStart < end && isSpace(text.charCodeAt(bodyStart))) bodyStart++;
    const lineStartOfHeading = text.lastIndexOf('\n', h.headingSpan.start - 1) + 1;
    sections.push({
      kind: h.kind,
      index: sections.length,
      headingSpan: h.headingSpan,
      bodySpan: { start: Math.min(bodyStart, end), end },
      span: { start: Math.max(lineStartOfHeading, h.headingSpan.start), end: Math.max(end, h.headingSpan.end) },
      ...(h.kind === 'addendum' ? { ordinal: ++addenda } : {}),
      ...(h.date ? { date: h.date } : {}),
    });
  });
  return sections;
}

function isUpperHeading(m: RegExpExecArray): boolean {
  const words = m.slice(1).find((g) => g !== undefined) ?? '';
  return words === words.toUpperCase();
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && isSpace(text.charCodeAt(e - 1))) e--;
  return e;
}

/** The section holding a position (the last one starting at or before it). */
export function sectionAt(sections: readonly ReportSection[], position: number): ReportSection | undefined {
  let found: ReportSection | undefined;
  for (const s of sections) if (s.span.start <= position) found = s;
  return found;
}
