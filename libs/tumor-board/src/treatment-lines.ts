// Lines of systemic therapy, grouped from the patient's mCODE medication requests and administrations (the rule
// is LINE_RULE; it is stated in the summary's treatment section so the board knows how lines were counted).
// Surgery and radiotherapy are local treatments: listed on their dates, outside the lines.
import type { SummaryFact } from './compose-summary';

export const REGIMEN_WINDOW_DAYS = 28;
export const LINE_GAP_DAYS = 90;

export const LINE_RULE =
  `Lines of systemic therapy are counted from medication requests and administrations: drugs first given within ${REGIMEN_WINDOW_DAYS} days of a line's start form one regimen; ` +
  `a new drug after that opens the next line, and so does any drug after more than ${LINE_GAP_DAYS} days without systemic therapy. ` +
  `The response of a line is what is recorded from its start to the next line's start: disease-status observations, and RECIST v1.1 from lesion measurements (baseline: the last measurement on or before the line's start). ` +
  'Surgery and radiotherapy are listed on their dates.';

export const SYSTEMIC_KINDS = new Set(['cancer-related-medication-request', 'cancer-related-medication-administration']);

export interface TherapyLine {
  /** 1-based. */
  number: number;
  /** Drugs in order of first use; each with the records that mention it. */
  drugs: { name: string; facts: SummaryFact[] }[];
  start: { date: string; fact: SummaryFact };
  /** The latest date recorded in the line (an end date when a record has one); absent when that is the start. */
  end?: { date: string; fact: SummaryFact; attribute: 'effectiveStart' | 'effectiveEnd' };
  /** The next line's start (the end of this line's response window); absent for the last line. */
  nextStart?: string;
}

const UNIT_WORDS = new Set(['ml', 'mg', 'mcg', 'g', 'injection', 'injectable', 'solution', 'oral', 'tablet', 'capsule', 'hydrochloride', 'sulfate', 'citrate', 'sodium', 'actual', 'product']);

/** The drug a medication record names, for grouping: "10 ML doxorubicin hydrochloride 2 MG/ML Injection" → "doxorubicin". */
export function drugKey(f: SummaryFact): string | undefined {
  const text = f.code?.display ?? f.code?.code;
  if (!text) return undefined;
  const word = text.toLowerCase().split(/[^a-z]+/).find((w) => w.length >= 4 && !UNIT_WORDS.has(w));
  return word ?? text.toLowerCase();
}

const DAY = 86_400_000;
const days = (a: string, b: string) => (Date.parse(b.slice(0, 10)) - Date.parse(a.slice(0, 10))) / DAY;

/** Groups the systemic-therapy facts into lines (facts without a date or a drug are left out). */
export function groupTherapyLines(facts: readonly SummaryFact[]): TherapyLine[] {
  const events = facts
    .filter((f) => SYSTEMIC_KINDS.has(f.kind) && f.effectiveStart && drugKey(f) && f.status !== 'entered-in-error')
    .sort((a, b) => a.effectiveStart!.localeCompare(b.effectiveStart!) || a.id.localeCompare(b.id));
  const lines: TherapyLine[] = [];
  let last = '';
  for (const f of events) {
    const date = f.effectiveStart!;
    const name = drugKey(f)!;
    const line = lines.at(-1);
    const gap = line !== undefined && days(last, date) > LINE_GAP_DAYS;
    const known = line?.drugs.find((d) => d.name === name);
    if (line && !gap && known) known.facts.push(f);
    else if (line && !gap && days(line.start.date, date) <= REGIMEN_WINDOW_DAYS) line.drugs.push({ name, facts: [f] });
    else {
      if (line) line.nextStart = date;
      lines.push({ number: lines.length + 1, drugs: [{ name, facts: [f] }], start: { date, fact: f } });
    }
    const current = lines.at(-1)!;
    const endDate = f.effectiveEnd ?? date;
    const currentEnd = current.end?.date ?? current.start.date;
    if (endDate > currentEnd) current.end = { date: endDate, fact: f, attribute: f.effectiveEnd ? 'effectiveEnd' : 'effectiveStart' };
    if (endDate > last) last = endDate;
  }
  return lines;
}

const ORDINALS = ['First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Eighth', 'Ninth', 'Tenth'];

/** "First line" … "Tenth line", then "Line 11" would state a number no record holds: "A later line". */
export function lineName(n: number): string {
  return n <= ORDINALS.length ? `${ORDINALS[n - 1]} line` : 'A later line';
}

/** Whether a date falls in the line's response window [start, next line's start). */
export function inLineWindow(line: TherapyLine, date: string | undefined): boolean {
  if (!date) return false;
  const d = date.slice(0, 10);
  return d >= line.start.date.slice(0, 10) && (line.nextStart === undefined || d < line.nextStart.slice(0, 10));
}
