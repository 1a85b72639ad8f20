// The verifier: checks every sentence of a summary against the records it cites, re-read from the store. It does
// not trust the composer (or a language model that rephrased it): it extracts the claims from the sentence text
// itself — numbers with units, dates, stage and TNM values, protein changes, negation and uncertainty — and
// requires each to be stated by a cited record element of THIS patient. A sentence it cannot support is dropped
// and reported; a summary is never shown with an unverified sentence.
import { assessContext } from '@oncoboard/pathology';
import { atomsOf, negationCue, resolveElement, spanText, type EvidenceAtoms } from './evidence';
import { MODEL_CARD_RECORD_PREFIX, PREDICTION_RECORD_PREFIX } from './model-prediction';
import { assessRecist, claimedResponse, isoDay, RECIST_CATEGORY_TEXT, type LesionPoint } from './recist-trend';
import type { CaseSummary, SummarySentence } from './compose-summary';
import { plainTerm } from './compose-summary';

/** What the verifier needs from the store: a source record by key (its patient and verbatim content). */
export type RecordLookup = (sourceRecordKey: string) => Promise<{ patientKey: string | null; content: string } | null>;

export interface VerifiedSentence extends SummarySentence {
  verified: true;
}

export interface RejectedSentence extends SummarySentence {
  reasons: string[];
}

export interface VerificationResult {
  /** The summary with only the sentences the verifier supports. */
  summary: CaseSummary;
  rejected: RejectedSentence[];
  /** Citations checked and how many were accepted (for citation-support metrics). */
  citations: { checked: number; accepted: number };
}


const UNCERTAIN = /\b(suspicious|possible|possibly|probable|cannot be excluded|equivocal|indeterminate|uncertain)\b/i;
const DATE = /\b\d{4}-\d{2}(?:-\d{2})?\b/g;
// A standalone number: not part of a word or code (cT3, V600E, c.1076T>G, 8th) and not inside a date.
const NUMBER = /(?<![\w.\-/>])(\d+(?:\.\d+)?)(?![\w.]*\d)(?:\s*(mm|cm|mL|ml|mg|Gy|cGy|mg\/m2)\b|\s*(%))?/g;
// A number written with U+2212 in front ("risk score −0.42") is negative; a hyphen is not read as a sign (ranges).
const numberClaim = (m: RegExpMatchArray) => {
  const unit = m[2] ?? m[3];
  const sign = m.index !== undefined && m.input?.[m.index - 1] === '\u2212' ? -1 : 1;
  const decimals = m[1]!.split('.')[1]?.length ?? 0;
  return unit ? { value: sign * Number(m[1]), unit: normUnit(unit), decimals } : { value: sign * Number(m[1]), decimals };
};
const STAGE = /\bstage\s+([0IV]{1,4}[A-C]?\d?)\b/gi;
const TNM = /\b([cpyra]{0,2}[TNM](?:X|is|[0-4])(?:mi|[a-d])?)\b/g;
const PROTEIN_CHANGE = /\b([ACDEFGHIKLMNPQRSTVWY]\d{1,4}(?:[ACDEFGHIKLMNPQRSTVWY*]|fs|del|ins|dup))\b/g;

const UNIT_ALIASES: Record<string, string> = { centimeters: 'cm', centimeter: 'cm', millimeters: 'mm', millimeter: 'mm', milliliter: 'ml', milliliters: 'ml', ml: 'ml', percent: '%' };
const normUnit = (u: string | undefined) => (u ? (UNIT_ALIASES[u.toLowerCase()] ?? u.toLowerCase()) : undefined);
const normText = (t: string) => plainTerm(t).toLowerCase().replace(/\s+/g, ' ').trim();

interface NumberClaim {
  value: number;
  unit?: string;
  /** Decimals as written: a rounded atom (a model output, a computed sum) supports it at that precision. */
  decimals: number;
}

interface Claims {
  dates: string[];
  numbers: NumberClaim[];
  terms: string[];
  negated: boolean;
  uncertain: boolean;
}

export function extractClaims(sentence: string): Claims {
  const withoutDates = sentence.replace(DATE, ' ');
  return {
    dates: [...sentence.matchAll(DATE)].map((m) => m[0]),
    numbers: [...withoutDates.matchAll(NUMBER)].map(numberClaim),
    terms: [
      ...[...sentence.matchAll(STAGE)].map((m) => m[1]!),
      ...[...sentence.matchAll(TNM)].map((m) => m[1]!),
      ...[...sentence.matchAll(PROTEIN_CHANGE)].map((m) => m[1]!),
    ],
    negated: negationCue(sentence),
    uncertain: UNCERTAIN.test(sentence),
  };
}

/** Context of a report span, by the same ConText algorithm the extractor uses, over the span's sentence. */
interface SpanContext {
  negated: boolean;
  uncertain: boolean;
  historical: boolean;
  otherExperiencer: boolean;
}

function textAtoms(text: string): EvidenceAtoms {
  return {
    strings: [text],
    quantities: [...text.replace(DATE, ' ').matchAll(NUMBER)].map(numberClaim),
    dates: [...text.matchAll(DATE)].map((m) => m[0]),
  };
}

/** Numbers written inside strings ("AJCC 8th edition" → 8, "2.5 cm") also support a claim. */
function numbersInStrings(strings: string[]): number[] {
  return strings.flatMap((s) => [...s.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0])));
}

function supportsNumber(atoms: EvidenceAtoms, claim: NumberClaim): boolean {
  const close = (a: number) => Math.abs(a - claim.value) <= 1e-9 * Math.max(1, Math.abs(a));
  const roundsTo = (a: number) => Math.abs(a - claim.value) <= 0.5 * 10 ** -claim.decimals + 1e-9;
  if (atoms.quantities.some((q) => (q.rounded ? roundsTo(q.value) : close(q.value)) && (!claim.unit || !q.unit || normUnit(q.unit) === claim.unit))) return true;
  // Numbers written in text ("depth from 0.76 to 1.75 mm"): with a unit, the same unit must follow there too.
  if (claim.unit) return atoms.strings.some((s) => textAtoms(s).quantities.some((q) => close(q.value) && q.unit === claim.unit));
  return numbersInStrings(atoms.strings).some(close);
}

/** The head of a coded display: "Curative - procedure intent" → "curative"; "American Joint ..., Cancer Staging Manual" → its first part. */
function headOf(atom: string): string {
  return normText(atom.split(/\s+-\s+|,\s|\s\(/)[0] ?? '');
}

/** Code-like tokens of a sentence (a digit and ≥ 5 characters, dates removed): "p.Tyr1183Ter", "85337-4", "NM_024675.3(PALB2):c.3549C>A". */
function codeTokens(sentence: string): string[] {
  return sentence.replace(DATE, ' ').split(/[\s,;]+/).map((t) => t.replace(/^[(]+|[).:]+$/g, '')).filter((t) => t.length >= 5 && /\d/.test(t));
}

/**
 * Whether the sentence states something the record element says: one of its strings (or the head of a coded
 * display) appears in the sentence, one of its dates or numbers does, or a code-like token of the sentence
 * appears in one of its strings.
 */
/** Length of the longest common substring (both normalized), for report spans quoted in part. */
function longestCommonSubstring(a: string, b: string): number {
  let best = 0;
  let prev = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const row = new Uint16Array(b.length + 1);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        row[j] = prev[j - 1]! + 1;
        if (row[j]! > best) best = row[j]!;
      }
    }
    prev = row;
  }
  return best;
}

function mentions(sentence: string, sentenceClaims: Claims, atoms: EvidenceAtoms, span = false): boolean {
  const text = normText(sentence);
  if (span) {
    const quoted = normText(atoms.strings[0] ?? '');
    if (quoted.length > 0 && longestCommonSubstring(text.slice(0, 1000), quoted.slice(0, 1000)) >= Math.min(8, quoted.length)) return true;
  }
  if (atoms.strings.some((s) => s.trim().length > 0 && text.includes(normText(s)))) return true;
  if (atoms.strings.some((s) => headOf(s).length >= 3 && text.includes(headOf(s)))) return true;
  const tokens = codeTokens(sentence);
  if (tokens.some((t) => atoms.strings.some((s) => s.includes(t)))) return true;
  if (atoms.dates.some((d) => sentenceClaims.dates.some((c) => d.startsWith(c)))) return true;
  return sentenceClaims.numbers.some((n) => supportsNumber({ strings: [], quantities: atoms.quantities, dates: [] }, { value: n.value, decimals: n.decimals }));
}

/** Verifies one sentence; returns the reasons it is unsupported (empty = verified). */
export async function verifySentence(
  summary: Pick<CaseSummary, 'patientKey' | 'evidence'>,
  sentence: SummarySentence,
  lookup: RecordLookup,
  tally = { checked: 0, accepted: 0 },
): Promise<string[]> {
  const reasons: string[] = [];
  if (sentence.citations.length === 0) return ['cites no evidence'];
  const claims = extractClaims(sentence.text);
  const cited: EvidenceAtoms[] = [];
  const spanContexts: SpanContext[] = [];
  const structuredAtoms: EvidenceAtoms[] = [];
  let patientRecords = 0;
  // A response category claimed by a sentence that cites lesion entries is recomputed from them (RECIST v1.1).
  const response = claimedResponse(sentence.text);
  const lesionPoints: LesionPoint[] = [];
  let syntheticModel: string | undefined;
  for (const id of sentence.citations) {
    tally.checked++;
    const evidence = summary.evidence[id];
    if (!evidence) {
      reasons.push(`citation ${id}: no such evidence in this summary`);
      continue;
    }
    const record = await lookup(evidence.sourceRecordKey);
    if (!record) {
      reasons.push(`citation ${id}: record ${evidence.sourceRecordKey} does not exist`);
      continue;
    }
    // Knowledge-base items (CIViC evidence) are reference records of no patient; a sentence citing one must also
    // cite a record of this patient (checked below).
    // Model cards are reference records too (the model's limits); the sentence also cites the patient's prediction.
    const reference = record.patientKey === null && (evidence.sourceRecordKey.startsWith('kb/') || evidence.sourceRecordKey.startsWith(MODEL_CARD_RECORD_PREFIX));
    if (!reference && (record.patientKey !== summary.patientKey || evidence.patientKey !== summary.patientKey)) {
      reasons.push(`citation ${id}: record ${evidence.sourceRecordKey} belongs to another patient`);
      continue;
    }
    if (!reference) patientRecords++;
    let atoms: EvidenceAtoms | undefined;
    if (evidence.span) {
      const text = spanText(record.content, evidence.span);
      if (text !== undefined) {
        atoms = textAtoms(text);
        if (reference) {
          // A model card is no clinical report: its words' own negation, no ConText (experiencer, history).
          spanContexts.push({ negated: negationCue(text), uncertain: UNCERTAIN.test(text), historical: false, otherExperiencer: false });
        } else {
          // ConText on the span's sentence, and any cue inside the span itself ("No perineural invasion").
          const c = assessContext(record.content, evidence.span);
          spanContexts.push({ negated: c.negated || negationCue(text), uncertain: c.uncertain || UNCERTAIN.test(text), historical: c.historical, otherExperiencer: c.experiencer === 'other' });
        }
      }
    } else {
      const json = recordJson(record);
      const element = json === undefined ? undefined : resolveElement(json, evidence.elementPath);
      if (element !== undefined) atoms = atomsOf(element);
      if (atoms && evidence.sourceRecordKey.startsWith(PREDICTION_RECORD_PREFIX)) {
        // Model outputs are stated rounded; a synthetic model's prediction must be said to be synthetic.
        atoms.quantities = atoms.quantities.map((q) => ({ ...q, rounded: true }));
        const model = (json as { modelVersion?: { id?: unknown; synthetic?: unknown } }).modelVersion;
        if (model?.synthetic === true) syntheticModel = String(model.id);
      }
      if (atoms && response && isLesionEntry(element)) {
        // Used to recompute the response (its date read from the series the lesion record measured).
        const date = await lesionDate(json, lookup);
        if (!date) {
          reasons.push(`citation ${id}: no series date for the lesion entry ${evidence.elementPath} of ${evidence.sourceRecordKey}`);
          continue;
        }
        lesionPoints.push({ date, label: numberOr(element.label, 0), lesion: numberOr(element.lesion, 0), longestDiameterMm: typeof element.longestDiameterMm === 'number' ? element.longestDiameterMm : null });
        tally.accepted++;
        continue;
      }
    }
    if (!atoms) {
      reasons.push(`citation ${id}: ${evidence.elementPath}${evidence.span ? ` [${evidence.span.start}, ${evidence.span.end})` : ''} not found in ${evidence.sourceRecordKey}`);
      continue;
    }
    if (!mentions(sentence.text, claims, atoms, evidence.span !== undefined)) {
      reasons.push(`citation ${id}: the sentence states nothing that ${evidence.sourceRecordKey} ${evidence.elementPath} says`);
      continue;
    }
    tally.accepted++;
    cited.push(atoms);
    if (!evidence.span) structuredAtoms.push(atoms);
  }
  if (reasons.length > 0) return reasons;
  if (patientRecords === 0) return ['cites only knowledge-base records, no record of this patient'];
  const all: EvidenceAtoms = {
    strings: cited.flatMap((a) => a.strings),
    quantities: cited.flatMap((a) => a.quantities),
    dates: cited.flatMap((a) => a.dates),
  };
  if (syntheticModel && !/\bsynthetic\b/i.test(sentence.text)) reasons.push(`the cited prediction is of a model trained on synthetic data (${syntheticModel}); the sentence does not say so`);
  if (response) {
    if (lesionPoints.length > 0) {
      const assessed = assessRecist(lesionPoints)?.at(-1);
      if (!assessed) reasons.push('the cited lesion measurements do not give a RECIST response (a baseline and a follow-up with measured diameters are needed)');
      else {
        if (assessed.response !== response) reasons.push(`the cited lesion measurements give ${RECIST_CATEGORY_TEXT[assessed.response]} (${assessed.response}) on ${assessed.date}, not ${RECIST_CATEGORY_TEXT[response]} (${response})`);
        // The computed sums and change support the numbers the sentence states (rounded as written).
        all.quantities.push({ value: assessed.sumMm, unit: 'mm', rounded: true }, { value: assessed.baselineSumMm, unit: 'mm', rounded: true });
        all.dates.push(assessed.date, assessed.baselineDate);
        const pct = assessed.changeFromBaselinePct;
        if (pct !== null) {
          all.quantities.push({ value: Math.abs(pct), unit: '%', rounded: true });
          if ((/\bdecrease\b/i.test(sentence.text) && pct > 0) || (/\bincrease\b/i.test(sentence.text) && pct < 0)) reasons.push(`the cited lesion measurements change by ${pct.toFixed(1)}% from baseline; the sentence states the opposite direction`);
        }
      }
    } else if (!all.strings.some((x) => x.toLowerCase().includes(RECIST_CATEGORY_TEXT[response]))) {
      reasons.push(`the response "${RECIST_CATEGORY_TEXT[response]}" is not stated by the cited records`);
    }
  }
  for (const date of claims.dates) {
    if (!all.dates.some((d) => d.startsWith(date))) reasons.push(`date ${date} is not in the cited records`);
  }
  for (const n of claims.numbers) {
    if (!supportsNumber(all, n)) reasons.push(`value ${n.value}${n.unit ? ` ${n.unit}` : ''} is not in the cited records`);
  }
  const evidenceText = all.strings.join(' | ');
  for (const term of claims.terms) {
    if (!new RegExp(`(^|[^A-Za-z0-9])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9])`, 'i').test(evidenceText)) {
      reasons.push(`"${term}" is not in the cited records`);
    }
  }
  // Negation and uncertainty: of a report span, as ConText reads its sentence; of a structured element, by its words.
  const structuredStrings = structuredAtoms.flatMap((a) => a.strings);
  const evidenceNegated = spanContexts.some((c) => c.negated) || structuredStrings.some(negationCue);
  if (claims.negated !== evidenceNegated) {
    reasons.push(claims.negated ? 'the sentence negates what the cited records state' : 'the cited records state a negative finding the sentence does not');
  }
  const evidenceUncertain = spanContexts.some((c) => c.uncertain) || structuredStrings.some((s) => UNCERTAIN.test(s));
  if (evidenceUncertain && !claims.uncertain) reasons.push('the cited records are uncertain; the sentence states it as certain');
  if (spanContexts.some((c) => c.otherExperiencer) && !/\bfamily\b/i.test(sentence.text)) reasons.push('the cited report speaks of someone other than the patient; the sentence does not say so');
  if (spanContexts.some((c) => c.historical) && !/\b(history|historical|prior|previous)\b/i.test(sentence.text)) reasons.push('the cited report speaks of the past; the sentence does not say so');
  return reasons;
}

/** A lesion entry of a lesion-measurements record (libs/ingest imaging import). */
function isLesionEntry(element: unknown): element is Record<string, unknown> {
  return !!element && typeof element === 'object' && !Array.isArray(element) && 'longestDiameterMm' in element && 'label' in element;
}

const numberOr = (x: unknown, fallback: number) => (typeof x === 'number' && Number.isFinite(x) ? x : fallback);

/** The date of the series a lesion record measured (the record names its series: seriesKey). */
async function lesionDate(lesionRecord: unknown, lookup: RecordLookup): Promise<string | undefined> {
  const seriesKey = (lesionRecord as { seriesKey?: unknown } | undefined)?.seriesKey;
  if (typeof seriesKey !== 'string') return undefined;
  const series = await lookup(seriesKey);
  const json = series ? recordJson(series) : undefined;
  const c = (json ?? {}) as { seriesDate?: unknown; studyDate?: unknown };
  return isoDay(c.seriesDate) ?? isoDay(c.studyDate);
}

/** One lookup per record for a whole summary (a record is cited by many sentences). */
export function memoizeLookup(lookup: RecordLookup): RecordLookup {
  const seen = new Map<string, ReturnType<RecordLookup>>();
  return (key) => {
    let found = seen.get(key);
    if (!found) seen.set(key, (found = lookup(key)));
    return found;
  };
}

const parsedRecords = new WeakMap<object, unknown>();
/** A record's JSON, parsed once per looked-up record object. */
function recordJson(record: { content: string }): unknown {
  if (parsedRecords.has(record)) return parsedRecords.get(record);
  let json: unknown;
  try {
    json = JSON.parse(record.content);
  } catch {
    json = undefined;
  }
  parsedRecords.set(record, json);
  return json;
}

/** Verifies every sentence; unsupported sentences are dropped from the returned summary and listed in `rejected`. */
export async function verifyCaseSummary(summary: CaseSummary, recordLookup: RecordLookup): Promise<VerificationResult> {
  const lookup = memoizeLookup(recordLookup);
  const rejected: RejectedSentence[] = [];
  const tally = { checked: 0, accepted: 0 };
  const sections = [];
  for (const section of summary.sections) {
    const kept: SummarySentence[] = [];
    for (const sentence of section.sentences) {
      const reasons = await verifySentence(summary, sentence, lookup, tally);
      if (reasons.length === 0) kept.push(sentence);
      else rejected.push({ ...sentence, reasons });
    }
    const droppedAll = section.sentences.length > 0 && kept.length === 0;
    sections.push({
      ...section,
      sentences: kept,
      ...(droppedAll ? { note: `Every sentence of this section failed verification and was withheld (${section.sentences.length}); see the verification report.` } : {}),
    });
  }
  return { summary: { ...summary, sections }, rejected, citations: tally };
}
