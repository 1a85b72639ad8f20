// Rule-based de-identification of free text: names, dates, identifiers, contact details and addresses are
// replaced by tokens ([NAME], [MRN], ...) or, for dates when the patient's offset is given, by the date shifted
// by that offset in the same format. Every mask is reported with its span in the OUTPUT text (and in the input).
// Rules: strings known from the record (the patient's names, identifier values, telecom, address parts,
// resource ids) first, then labelled and patterned identifiers, dates, addresses, and honorific / label name
// patterns. Overlapping candidates are merged into one mask, so a partly matched identifier never leaks.
// Limits: no NER model — an unusual name with no honorific, no label and not known from the record is missed;
// a human reviews free text before release (see README).
import { addDays } from './date-shift';

export type TextMaskKind =
  | 'NAME' | 'DATE' | 'MRN' | 'ACCESSION' | 'SSN' | 'PHONE' | 'EMAIL' | 'URL' | 'IP' | 'ADDRESS' | 'ZIP' | 'LOCATION' | 'ID' | 'AGE';

/** A string known to identify someone (taken from the structured record), and what replaces it. */
export interface KnownTerm {
  text: string;
  kind: TextMaskKind;
  /** Replacement text; default `[KIND]`. Resource ids use their pseudonym, so links stay consistent. */
  replacement?: string;
  /** Match inside words too (for long distinctive strings such as resource ids); default: whole words only. */
  anywhere?: boolean;
}

export interface TextDeidOptions {
  /** Names (full names or parts) known from the record; parts of at least 2 letters are masked on their own too. */
  knownNames?: readonly string[];
  /** Other identifying strings known from the record (identifier values, phone numbers, address lines, ids). */
  knownTerms?: readonly KnownTerm[];
  /** Shift dates by this many days (the patient's offset), keeping their format; without it dates become [DATE]. */
  dateOffsetDays?: number;
}

export interface TextMask {
  kind: TextMaskKind;
  /** Span of the replacement in the output text (end exclusive). */
  start: number;
  end: number;
  /** Span of the masked text in the input (end exclusive). */
  sourceStart: number;
  sourceEnd: number;
}

export interface TextDeidResult {
  text: string;
  masks: TextMask[];
  /** How many masks of each kind (no values). */
  counts: Partial<Record<TextMaskKind, number>>;
}

interface Candidate {
  start: number;
  end: number;
  kind: TextMaskKind;
  replacement: string;
  /** Lower wins when candidates are merged. */
  priority: number;
}

const token = (kind: TextMaskKind) => `[${kind}]`;

// ---------------------------------------------------------------- dates

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';

function monthIndex(name: string): number {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return MONTHS.findIndex((m) => m.startsWith(lower.slice(0, 3)));
}

/** Writes a month name in the style of the original (full or abbreviated; upper, lower or title case). */
function monthLike(original: string, month: number): string {
  const full = MONTHS[month - 1]!;
  const core = original.replace(/\.$/, '');
  let name = core.length > 3 && core.toLowerCase() !== 'sept' ? full : full.slice(0, 3);
  if (core.toLowerCase() === 'sept' && month === 9) name = 'sept';
  if (core === core.toUpperCase()) name = name.toUpperCase();
  else if (core[0] === core[0]!.toUpperCase()) name = name[0]!.toUpperCase() + name.slice(1);
  return name + (original.endsWith('.') && name.length <= 4 ? '.' : '');
}

const padTo = (n: number, width: number) => String(n).padStart(width, '0');
/** Pads like the original field: "03" → 2 digits, "3" → no padding. */
const likeField = (n: number, original: string) => (original.length >= 2 ? padTo(n, original.length) : String(n));
/** Day of a month-name date: zero-padded only when the original was ("07 March", not "28 March"). */
const likeDay = (n: number, original: string) => (original.startsWith('0') ? padTo(n, 2) : String(n));

function fullYear(y: string): number {
  if (y.length === 4) return Number(y);
  const n = Number(y);
  return n < 30 ? 2000 + n : 1900 + n;
}
const yearLike = (year: number, original: string) => (original.length === 2 ? padTo(year % 100, 2) : padTo(year, 4));

type DateRule = { re: RegExp; shift: (m: RegExpExecArray, days: number) => string | undefined };

const DATE_RULES: DateRule[] = [
  // 2023-03-14, 2023/03/14, 2023.03.14 (a time after it is left alone: the day shift keeps it)
  {
    re: /(?<![\d.\/-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d]|[./-]\d)/g,
    shift: (m, d) => {
      const s = addDays(Number(m[1]), Number(m[3]), Number(m[4]), d);
      return s && `${padTo(s[0], 4)}${m[2]}${likeField(s[1], m[3]!)}${m[2]}${likeField(s[2], m[4]!)}`;
    },
  },
  // 03/14/2023, 3-14-23, 14.03.2023 (day first when the first field cannot be a month)
  {
    re: /(?<![\d.\/-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[./-]\d)/g,
    shift: (m, d) => {
      const a = Number(m[1]);
      const b = Number(m[3]);
      const dayFirst = a > 12 && b <= 12;
      const [month, day] = dayFirst ? [b, a] : [a, b];
      const s = addDays(fullYear(m[4]!), month, day, d);
      if (!s) return undefined;
      const first = dayFirst ? likeField(s[2], m[1]!) : likeField(s[1], m[1]!);
      const second = dayFirst ? likeField(s[1], m[3]!) : likeField(s[2], m[3]!);
      return `${first}${m[2]}${second}${m[2]}${yearLike(s[0], m[4]!)}`;
    },
  },
  // March 14, 2023 / Mar. 14 2023 / March 14th, 2023
  {
    re: new RegExp(`(?<![\\p{L}])(${MONTH_RE}\\.?)(\\s+)(\\d{1,2})(st|nd|rd|th)?(,?\\s+)(\\d{4})(?!\\d)`, 'giu'),
    shift: (m, d) => {
      const s = addDays(Number(m[6]), monthIndex(m[1]!) + 1, Number(m[3]), d);
      return s && `${monthLike(m[1]!, s[1])}${m[2]}${likeDay(s[2], m[3]!)}${m[4] ? ordinal(s[2], m[4]) : ''}${m[5]}${padTo(s[0], 4)}`;
    },
  },
  // 14 March 2023 / 14-Mar-2023 / 14-MAR-23
  {
    re: new RegExp(`(?<![\\p{L}\\d])(\\d{1,2})(st|nd|rd|th)?([\\s-]+)(${MONTH_RE}\\.?)([\\s,-]+)(\\d{4}|\\d{2})(?!\\d)`, 'giu'),
    shift: (m, d) => {
      const s = addDays(fullYear(m[6]!), monthIndex(m[4]!) + 1, Number(m[1]), d);
      return s && `${likeDay(s[2], m[1]!)}${m[2] ? ordinal(s[2], m[2]) : ''}${m[3]}${monthLike(m[4]!, s[1])}${m[5]}${yearLike(s[0], m[6]!)}`;
    },
  },
  // March 2023 (month and year: the month is a date element; shifted through its 15th)
  {
    re: new RegExp(`(?<![\\p{L}\\d])(${MONTH_RE}\\.?)(,?\\s+)(\\d{4})(?!\\d)`, 'giu'),
    shift: (m, d) => {
      const s = addDays(Number(m[3]), monthIndex(m[1]!) + 1, 15, d);
      return s && `${monthLike(m[1]!, s[1])}${m[2]}${padTo(s[0], 4)}`;
    },
  },
  // March 14 / 14 March without a year: cannot be shifted without a year, so always masked
  {
    re: new RegExp(`(?<![\\p{L}\\d])(?:${MONTH_RE}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?|\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH_RE})(?![\\p{L}\\d])`, 'giu'),
    shift: () => undefined,
  },
  // 20230314 (DICOM-style); only plausible years, so most 8-digit numbers are not taken for dates
  {
    re: /(?<!\d)(19\d{2}|20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)/g,
    shift: (m, d) => {
      const s = addDays(Number(m[1]), Number(m[2]), Number(m[3]), d);
      return s && `${padTo(s[0], 4)}${padTo(s[1], 2)}${padTo(s[2], 2)}`;
    },
  },
];

function ordinal(day: number, original: string): string {
  const suffix = day % 10 === 1 && day !== 11 ? 'st' : day % 10 === 2 && day !== 12 ? 'nd' : day % 10 === 3 && day !== 13 ? 'rd' : 'th';
  return original === original.toUpperCase() ? suffix.toUpperCase() : suffix;
}

// ---------------------------------------------------------------- identifiers, contacts, places

/** Labels (as written, first letter lower/upper, all caps) whose value is an identifier of the given kind. */
function labelled(labels: string[]): string {
  const variants = new Set<string>();
  for (const l of labels) {
    variants.add(l);
    variants.add(l[0]!.toUpperCase() + l.slice(1));
    variants.add(l.toUpperCase());
  }
  return `(?:${[...variants].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})`;
}

const ID_VALUE = '([A-Za-z0-9](?:[A-Za-z0-9/-]*[A-Za-z0-9])?)';
const NUMBER_WORD = '(?:[Nn]umber|NUMBER|[Nn]o\\.?|NO\\.?|[Nn]um\\.?|NUM\\.?|[Nn]r\\.?|ID|[Ii]d|#)';
/** Between a label and its value: an optional "number"/"no."/"#" word, an optional colon. */
const SEP = `\\s*${NUMBER_WORD}?\\s*[:#=]?\\s*`;
/** For labels that are also ordinary words ("case", "visit"): a "number" word or a colon is required. */
const SEP_STRICT = `\\s*(?:${NUMBER_WORD}\\s*[:#=]?|[:#=])\\s*`;

interface PatternRule {
  re: RegExp;
  kind: TextMaskKind;
  /** Capture group to mask (0 = whole match). */
  group: number;
  priority: number;
  accept?: (m: RegExpExecArray) => boolean;
  replace?: (m: RegExpExecArray) => string;
}

const US_STATES = 'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR';
const STREET = 'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl';

/** Hosts of public standards and terminologies: their URLs name a code system or a namespace, not a person. */
const PUBLIC_URL_HOSTS = /^(?:[\w-]+\.)*(?:w3\.org|hl7\.org|loinc\.org|snomed\.info|unitsofmeasure\.org|nlm\.nih\.gov|ncbi\.nlm\.nih\.gov|cancer\.gov|who\.int|dicom\.nema\.org|fhir\.org|ietf\.org|iso\.org|cap\.org|hgvs\.org|genenames\.org|ensembl\.org|clinicaltrials\.gov)$/i;

const NAME_TOKEN = `(?!${MONTH_RE}\\b|(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|DR|MR|MRS|MS)\\b)[A-Z](?:[A-Za-z'\u2019-]*[A-Za-z])?\\.?`;
const NAME_LABELS = labelled([
  "patient's name", 'patient name', 'patient', 'pt', 'name', 'signed by', 'electronically signed by', 'attending physician', 'attending',
  'ordering physician', 'referring physician', 'physician', 'provider', 'surgeon', 'pathologist', 'radiologist', 'dictated by',
  'reviewed by', 'verified by', 'resident', 'cc', 'mother', 'father', 'spouse', 'next of kin', 'guardian', 'contact',
]);

const PATTERN_RULES: PatternRule[] = [
  { re: new RegExp(`\\b${labelled(['mrn'])}${SEP}${ID_VALUE}`, 'g'), kind: 'MRN', group: 1, priority: 2, accept: (m) => /\d/.test(m[1]!) },
  { re: new RegExp(`\\b${labelled(['mrn', 'mr', 'medical record', 'patient id', 'pt id', 'hospital', 'chart', 'unit'])}${SEP_STRICT}${ID_VALUE}`, 'g'), kind: 'MRN', group: 1, priority: 2, accept: (m) => /\d/.test(m[1]!) },
  { re: new RegExp(`\\b${labelled(['accession', 'acc', 'case', 'specimen', 'surgical pathology'])}${SEP_STRICT}${ID_VALUE}`, 'g'), kind: 'ACCESSION', group: 1, priority: 2, accept: (m) => /\d/.test(m[1]!) },
  { re: new RegExp(`\\b${labelled(['ssn', 'social security'])}${SEP}(\\d{3}[- ]?\\d{2}[- ]?\\d{4})(?!\\d)`, 'g'), kind: 'SSN', group: 1, priority: 2 },
  {
    re: new RegExp(`\\b${labelled(['account', 'acct', 'health plan', 'member', 'policy', 'subscriber', 'beneficiary', 'insurance', 'license', 'licence', 'certificate', 'dea', 'npi', 'serial', 'device', 'vin', 'plate', 'encounter', 'visit', 'order', 'requisition'])}${SEP_STRICT}${ID_VALUE}`, 'g'),
    kind: 'ID', group: 1, priority: 2, accept: (m) => /\d/.test(m[1]!),
  },
  // Pathology / radiology case numbers such as S23-12345
  { re: /(?<![\w-])[A-Z]{1,3}\d{2}-\d{3,}(?![\w-])/g, kind: 'ACCESSION', group: 0, priority: 2 },
  { re: /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g, kind: 'SSN', group: 0, priority: 2 },
  { re: new RegExp(`\\b${labelled(['phone', 'tel', 'telephone', 'fax', 'cell', 'mobile', 'pager', 'beeper'])}\\.?${SEP}(\\+?\\d[\\d ().-]{5,}\\d)`, 'g'), kind: 'PHONE', group: 1, priority: 2 },
  { re: /(?<![\w+])(?:\+?1[-.\s]?)?(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}(?!\d)(?:\s*(?:ext\.?|x)\s*\d{1,5})?/g, kind: 'PHONE', group: 0, priority: 2 },
  { re: /(?<![\w.%+-])[A-Za-z0-9][\w.%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g, kind: 'EMAIL', group: 0, priority: 2 },
  {
    re: /(?<![\w/])(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'{}|\\^`]+/gi,
    kind: 'URL', group: 0, priority: 2,
    accept: (m) => {
      const host = /^(?:(?:https?|ftp):\/\/)?([^/:?#\s]+)/i.exec(m[0])?.[1] ?? '';
      return !PUBLIC_URL_HOSTS.test(host);
    },
  },
  { re: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)/g, kind: 'IP', group: 0, priority: 2 },
  { re: /(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])/g, kind: 'IP', group: 0, priority: 2 },
  { re: new RegExp(`(?<![\\w])\\d{1,6}(?:\\s+[A-Z][A-Za-z.'-]*){1,4}\\s+(?:${STREET})\\b\\.?(?:,?\\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\\.?\\s*[\\w-]+)?`, 'g'), kind: 'ADDRESS', group: 0, priority: 4 },
  { re: /\bP\.?\s?O\.?\s+Box\s+\d+/gi, kind: 'ADDRESS', group: 0, priority: 4 },
  { re: new RegExp(`\\b([A-Z][A-Za-z]+(?:\\s[A-Z][A-Za-z]+){0,2}),\\s*(?:${US_STATES})\\s+\\d{5}(?!\\d)`, 'g'), kind: 'LOCATION', group: 1, priority: 4 },
  { re: new RegExp(`\\b(?:${US_STATES})\\s+(\\d{5}(?:-\\d{4})?)(?!\\d)`, 'g'), kind: 'ZIP', group: 1, priority: 4 },
  { re: new RegExp(`\\b${labelled(['zip', 'zip code', 'zipcode', 'postal code', 'postcode'])}\\s*[:#]?\\s*(\\d{5}(?:-\\d{4})?)(?!\\d)`, 'g'), kind: 'ZIP', group: 1, priority: 4 },
  // Ages over 89 (Safe Harbor aggregates them into "90 or older")
  {
    re: /(?<!\d)(\d{2,3})(?=\s*-?\s*(?:years?|yrs?|y\/o|yo|year-old)\b)/gi,
    kind: 'AGE', group: 1, priority: 3, accept: (m) => Number(m[1]) >= 90, replace: () => '90+',
  },
  { re: /\b(?:aged?|AGE[D]?)\s*[:=]?\s*(\d{2,3})(?!\d)/g, kind: 'AGE', group: 1, priority: 3, accept: (m) => Number(m[1]) >= 90, replace: () => '90+' },
  // Names after an honorific, and after labels such as "Patient:" or "Signed by:"
  { re: new RegExp(`\\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Doctor|DR|MR|MRS|MS)\\.?[ \\t]+(${NAME_TOKEN}(?:[ \\t]${NAME_TOKEN}){0,2})`, 'g'), kind: 'NAME', group: 1, priority: 5 },
  {
    re: new RegExp(`\\b${NAME_LABELS}[ \\t]*:[ \\t]*(${NAME_TOKEN},[ \\t]?${NAME_TOKEN}(?:[ \\t]${NAME_TOKEN})?|${NAME_TOKEN}(?:[ \\t]${NAME_TOKEN}){0,2})`, 'g'),
    kind: 'NAME', group: 1, priority: 5,
  },
];

// ---------------------------------------------------------------- known terms

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const letters = (s: string) => (s.match(/\p{L}/gu) ?? []).length;

interface IndexedTerm extends KnownTerm {
  lower: string;
  /** Characters before the term's first word character (e.g. 1 for "(555) 867-5309"). */
  lead: number;
}

const WORD = /[\p{L}\p{N}]+/gu;
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * Known names and terms indexed by their first word (lower case): the text is scanned word by word and only the
 * terms starting with that word are compared, longest first — linear in the text whatever the vocabulary size.
 */
function knownTermIndex(options: TextDeidVocabulary): { byFirstWord: Map<string, IndexedTerm[]>; anywhere: IndexedTerm[] } | undefined {
  const byLower = new Map<string, KnownTerm>();
  const add = (term: KnownTerm) => {
    const text = term.text.trim();
    if (text.length < 2 || !isWordChar([...text].find((c) => isWordChar(c)))) return;
    const lower = text.toLowerCase();
    const existing = byLower.get(lower);
    // An explicit replacement (a pseudonym) wins over a plain token.
    if (!existing || (term.replacement !== undefined && existing.replacement === undefined)) byLower.set(lower, { ...term, text });
  };
  for (const term of options.knownTerms ?? []) add(term);
  for (const name of options.knownNames ?? []) {
    if (letters(name) >= 2) add({ text: name, kind: 'NAME' });
    for (const part of name.split(/[\s,]+/)) if (letters(part) >= 2 && part.replace(/\./g, '').length >= 2) add({ text: part.replace(/\.$/, ''), kind: 'NAME' });
  }
  if (byLower.size === 0) return undefined;
  const index = new Map<string, IndexedTerm[]>();
  const anywhere: IndexedTerm[] = [];
  for (const [lower, term] of byLower) {
    // Terms matched anywhere are also indexed by first word (the fallback when lower-casing changes lengths).
    if (term.anywhere) anywhere.push({ ...term, lower, lead: 0 });
    const first = new RegExp(WORD.source, 'u').exec(lower);
    if (!first) continue;
    const list = index.get(first[0]) ?? [];
    list.push({ ...term, lower, lead: first.index });
    index.set(first[0], list);
  }
  for (const list of index.values()) list.sort((x, y) => y.lower.length - x.lower.length);
  return { byFirstWord: index, anywhere };
}

function matchKnownTerms(text: string, known: { byFirstWord: Map<string, IndexedTerm[]>; anywhere: IndexedTerm[] }, out: Candidate[]): void {
  const index = known.byFirstWord;
  const lowerText = text.toLowerCase();
  if (lowerText.length === text.length) {
    for (const term of known.anywhere) {
      for (let at = lowerText.indexOf(term.lower); at >= 0; at = lowerText.indexOf(term.lower, at + term.lower.length)) {
        out.push({ start: at, end: at + term.lower.length, kind: term.kind, replacement: term.replacement ?? token(term.kind), priority: term.replacement ? 0 : 1 });
      }
    }
  }
  // toLowerCase can change lengths (e.g. "İ"); then positions would drift: fall back to per-term comparison.
  const sameLength = lowerText.length === text.length;
  for (const w of text.matchAll(WORD)) {
    const list = index.get(w[0].toLowerCase());
    if (!list) continue;
    for (const term of list) {
      const start = w.index - term.lead;
      if (start < 0) continue;
      const end = start + term.lower.length;
      const slice = sameLength ? lowerText.slice(start, end) : text.slice(start, end).toLowerCase();
      if (slice !== term.lower) continue;
      if (isWordChar(text[start - 1]) && isWordChar(term.lower[0])) continue;
      if (isWordChar(text[end]) && isWordChar(term.lower[term.lower.length - 1])) continue;
      out.push({ start, end, kind: term.kind, replacement: term.replacement ?? token(term.kind), priority: term.replacement ? 0 : 1 });
      break;
    }
  }
}

// ---------------------------------------------------------------- the de-identifier

/** What a text de-identifier knows about the record (built once, used for many texts). */
export type TextDeidVocabulary = Pick<TextDeidOptions, 'knownNames' | 'knownTerms'>;

export interface TextDeidentifier {
  /** De-identifies one text; dates are shifted by `dateOffsetDays` when given, masked as [DATE] otherwise. */
  deidentify(text: string, dateOffsetDays?: number): TextDeidResult;
}

const COMPILED_PATTERN_RULES = PATTERN_RULES.map((rule) => ({ ...rule, re: new RegExp(rule.re.source, rule.re.flags.includes('d') ? rule.re.flags : `${rule.re.flags}d`) }));

/** Compiles the known names and terms once, for de-identifying many texts of a record. */
export function compileTextDeidentifier(vocabulary: TextDeidVocabulary = {}): TextDeidentifier {
  const known = knownTermIndex(vocabulary);
  return {
    deidentify(text: string, dateOffsetDays?: number): TextDeidResult {
      const candidates: Candidate[] = [];
      if (known) matchKnownTerms(text, known, candidates);
      for (const rule of COMPILED_PATTERN_RULES) {
        for (const m of text.matchAll(rule.re)) {
          if (rule.accept && !rule.accept(m)) continue;
          const span = m.indices?.[rule.group];
          if (!span || span[1] <= span[0]) continue;
          candidates.push({ start: span[0], end: span[1], kind: rule.kind, replacement: rule.replace ? rule.replace(m) : token(rule.kind), priority: rule.priority });
        }
      }
      for (const rule of DATE_RULES) {
        for (const m of text.matchAll(rule.re)) {
          const shifted = dateOffsetDays === undefined ? undefined : rule.shift(m, dateOffsetDays);
          candidates.push({ start: m.index, end: m.index + m[0].length, kind: 'DATE', replacement: shifted ?? token('DATE'), priority: 3 });
        }
      }
      return applyMasks(text, candidates);
    },
  };
}

/** Masks names, dates, identifiers, contact details and addresses in `text`; never throws on any string. */
export function deidentifyText(text: string, options: TextDeidOptions = {}): TextDeidResult {
  return compileTextDeidentifier(options).deidentify(text, options.dateOffsetDays);
}

/** Merges overlapping candidates (no partial leak) and writes the output with the masks' output spans. */
function applyMasks(text: string, candidates: Candidate[]): TextDeidResult {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end || a.priority - b.priority);
  const masks: TextMask[] = [];
  const counts: Partial<Record<TextMaskKind, number>> = {};
  let out = '';
  let cursor = 0;
  let n = 0;
  while (n < candidates.length) {
    const group = [candidates[n]!];
    let end = group[0]!.end;
    n++;
    while (n < candidates.length && candidates[n]!.start < end) {
      group.push(candidates[n]!);
      end = Math.max(end, candidates[n]!.end);
      n++;
    }
    const start = group[0]!.start;
    // One candidate covering the whole group (a known id around a name inside it, say) keeps its replacement;
    // otherwise the group becomes the token of its most important kind.
    const covering = group.filter((c) => c.start === start && c.end === end).sort((a, b) => a.priority - b.priority)[0];
    const best = [...group].sort((a, b) => a.priority - b.priority)[0]!;
    const chosen = covering ?? { ...best, replacement: token(best.kind) };
    out += text.slice(cursor, start);
    masks.push({ kind: chosen.kind, start: out.length, end: out.length + chosen.replacement.length, sourceStart: start, sourceEnd: end });
    out += chosen.replacement;
    counts[chosen.kind] = (counts[chosen.kind] ?? 0) + 1;
    cursor = end;
  }
  out += text.slice(cursor);
  return { text: out, masks, counts };
}

/** Adds `b`'s counts into `a`. */
export function addCounts<K extends string>(a: Partial<Record<K, number>>, b: Partial<Record<K, number>>): Partial<Record<K, number>> {
  for (const [k, v] of Object.entries(b) as [K, number][]) a[k] = (a[k] ?? 0) + v;
  return a;
}
