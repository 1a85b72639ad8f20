// Runs every extractor over a report's lines and sentences, assigns each finding its section and its ConText
// context, and marks findings an addendum supersedes.
import { ConTextAnalyzer, type FindingContext } from '../context/context-algorithm';
import { sentenceAt, splitSentences } from '../context/sentences';
import { MAX_REPORT_CHARS, PathologyReportError } from '../report-text';
import { detectSections, type ReportSection } from '../sections';
import type { Span } from '../span';
import { markSupersededFindings } from './addenda';
import { biomarkerFromLabel, biomarkersFromProse } from './biomarker-findings';
import { labelledPieces, labelledUnit, labelWithValueBelow, type ExtractionUnit } from './extraction-unit';
import type { Candidate, Finding, FindingKind, FindingValues } from './finding';
import { conditionalMethylationOf, geneAlterationsOf, mayNameGene } from './gene-alteration-findings';
import { lateralityMentionsOf, organMentionsOf, organOfSite, specimenOf, withoutMetastasisParts } from './specimen-findings';
import { correctSpelling } from './spelling';
import { gradeOf, histologyOf, invasionOf, lymphNodesOf, marginsOf, reportEditionOf, stagingEditionsOf, tnmOf, tumorSizeOf } from './tumor-findings';

export interface ExtractedReport {
  /** The text every span indexes into. */
  text: string;
  sections: ReportSection[];
  /** In text order; `id` is the position in this list. */
  findings: Finding[];
}

export interface ExtractOptions {
  /** ConText with another lexicon or the NegEx window; default: the published lexicons, sentence scope. */
  analyzer?: ConTextAnalyzer;
}

let defaultAnalyzer: ConTextAnalyzer | undefined;

/** Finds what an oncologist looks for in a pathology report, each finding with its span, section and context. */
export function extractFindings(original: string, options: ExtractOptions = {}): ExtractedReport {
  if (typeof original !== 'string') throw new PathologyReportError(`text: expected a string, found ${original === null ? 'null' : typeof original}`);
  if (original.length > MAX_REPORT_CHARS) throw new PathologyReportError(`text: expected a report of at most ${MAX_REPORT_CHARS.toLocaleString('en-US')} characters, found ${original.length.toLocaleString('en-US')} (split it into reports)`);
  const analyzer = options.analyzer ?? (defaultAnalyzer ??= new ConTextAnalyzer());
  // Extraction reads a copy with keyword typos corrected ("lymphovascualr"); spans are mapped back at the end.
  const spelling = correctSpelling(original);
  const text = spelling.text;
  const sections = detectSections(text);
  const contextSentences = splitSentences(text);
  const edition = reportEditionOf(text);
  const candidates: { candidate: Candidate; unit: ExtractionUnit }[] = [];
  const titleEnd = reportTitleEnd(text);
  for (const section of sections) {
    const spans = boundedUnits(text, splitSentences(text, section.bodySpan.start, section.bodySpan.end, { semicolons: false }));
    for (let n = 0; n < spans.length; n++) {
      // "Label:" alone on its line with the value on the next line reads as one "Label: value" line
      const joined = labelWithValueBelow(text, spans[n] as Span, spans[n + 1], section);
      if (joined) n++;
      for (const unit of labelledPieces(text, joined ?? labelledUnit(text, spans[n] as Span, section))) {
        for (const candidate of keptCandidates(unitCandidates(unit, edition), unit)) {
          // the report's title names the kind of report ("SURGICAL PATHOLOGY REPORT — MELANOMA, RE-EXCISION"), not
          // the tumour's type, site, specimen or procedure
          if (candidate.span.start < titleEnd && TITLE_SKIPS.has(candidate.kind)) continue;
          candidates.push({ candidate, unit });
        }
      }
    }
    // a heading may name the staging edition: "SYNOPTIC REPORT (CAP ..., AJCC 8th Edition)"
    if (section.headingSpan) {
      const lineEnd = text.indexOf('\n', section.headingSpan.start);
      const unit: ExtractionUnit = { text, span: { start: section.headingSpan.start, end: lineEnd < 0 ? text.length : lineEnd }, section };
      for (const candidate of stagingEditionsOf(unit)) candidates.push({ candidate, unit });
    }
  }
  const unique = withoutRepeats(withoutMetastasisParts(candidates));
  unique.sort((a, b) => a.candidate.span.start - b.candidate.span.start || a.candidate.span.end - b.candidate.span.end);
  const priorEpisode = priorEpisodeScopes(text);
  const findings = unique.map(({ candidate, unit }, id) => toFinding(candidate, unit, id, text, contextSentences, analyzer, priorEpisode));
  assignReportOrgan(findings);
  markSupersededFindings(findings, { text, sentences: contextSentences, sections });
  if (spelling.corrections.length === 0) return { text, sections, findings };
  const map = (span: Span): Span => ({ start: spelling.toOriginal(span.start), end: spelling.toOriginal(span.end) });
  return {
    text: original,
    sections: sections.map((s) => ({ ...s, ...(s.headingSpan ? { headingSpan: map(s.headingSpan) } : {}), bodySpan: map(s.bodySpan), span: map(s.span) })),
    findings: mapFindingSpans(findings, map),
  };
}

/**
 * The findings with their spans in the original text. The findings and their trigger lists were made by this call
 * (toFinding), so their spans are replaced in place: a copy of every finding cost more than the mapping (the keys
 * keep their order, so the result is the same as a copy's).
 */
function mapFindingSpans(findings: Finding[], map: (span: Span) => Span): Finding[] {
  for (const f of findings) {
    f.span = map(f.span);
    for (const t of f.contextTriggers) t.span = map(t.span);
  }
  return findings;
}

/**
 * The first of candidates that say the same thing (kind, span, key and target start) at the same place: several
 * extractors (and a heading's edition) may find one statement. Grouped by span start, compared field by field
 * (cheaper than a string key per candidate).
 */
function withoutRepeats<T extends { candidate: Candidate }>(candidates: T[]): T[] {
  const byStart = new Map<number, Candidate[]>();
  const unique: T[] = [];
  for (const item of candidates) {
    const c = item.candidate;
    const same = byStart.get(c.span.start);
    if (same === undefined) byStart.set(c.span.start, [c]);
    else if (same.some((o) => o.kind === c.kind && o.span.end === c.span.end && o.key === c.key && (o.target ?? o.span).start === (c.target ?? c.span).start)) continue;
    else same.push(c);
    unique.push(item);
  }
  return unique;
}

/**
 * A synoptic reading of a line replaces its prose readings, except on a specimen / site line, which may also state a
 * side, a type or a stage ("Tumor Site: Skin of right calf", "Specimen: block A3 (skin, right shoulder, wide local
 * excision; nodular melanoma, pT4b)"), on a size line, which may state the side ("Dominant Tumor Nodule: Right
 * posterior mid gland, 1.8 cm"), and on a "Diagnosis:" line, which may hold a whole report ("Diagnosis: <type>, grade
 * 1. Total size 2.2 cm; ... margin negative, 18 mm. pT1a pN0"): there a prose reading of another kind stays (on a
 * specimen line also a node count: "Specimen: Prostate, radical prostatectomy (no lymph nodes submitted)").
 */
function keptCandidates(found: Candidate[], unit: ExtractionUnit): Candidate[] {
  let synoptic: Set<FindingKind> | undefined;
  for (const c of found) if (c.source === 'synoptic') (synoptic ??= new Set()).add(c.kind);
  if (!synoptic) return found;
  let siteLine = true;
  for (const k of synoptic) if (!SITE_LINE_KINDS.has(k)) siteLine = false;
  const sizeLine = synoptic.size === 1 && synoptic.has('tumor-size');
  const diagnosisLine = unit.label !== undefined && /^(?:final )?diagnosis\b/.test(unit.label.norm);
  const kept: Candidate[] = [];
  for (const c of found) {
    const alsoHere = diagnosisLine || (siteLine && ALSO_ON_SITE_LINES.has(c.kind)) || (sizeLine && c.kind === 'laterality');
    if (c.source === 'synoptic' || (alsoHere && !synoptic.has(c.kind))) kept.push(c);
  }
  return kept;
}

const SITE_LINE_KINDS = new Set<FindingKind>(['specimen', 'procedure', 'primary-site', 'laterality']);
const ALSO_ON_SITE_LINES = new Set<FindingKind>(['laterality', 'histologic-type', 'grade', 'tnm', 'ajcc-edition', 'gene-alteration', 'lymph-nodes']);

/** No report sentence is this long; longer runs (junk, text without punctuation) are read in windows so work stays linear. */
export const MAX_UNIT_CHARS = 4000;

/** The sentences, each longer one cut into windows (the list itself when none is longer: the usual case). */
function boundedUnits(text: string, spans: Span[]): Span[] {
  if (spans.every((span) => span.end - span.start <= MAX_UNIT_CHARS)) return spans;
  const out: Span[] = [];
  for (const span of spans) {
    if (span.end - span.start <= MAX_UNIT_CHARS) {
      out.push(span);
      continue;
    }
    let start = span.start;
    while (start < span.end) {
      let end = Math.min(span.end, start + MAX_UNIT_CHARS);
      if (end < span.end) {
        const space = text.lastIndexOf(' ', end);
        if (space > start + MAX_UNIT_CHARS / 2) end = space;
      }
      out.push({ start, end });
      start = end;
    }
  }
  return out;
}

const TITLE_SKIPS = new Set<FindingKind>(['histologic-type', 'primary-site', 'specimen', 'procedure']);

/**
 * Where the report's title ends, or -1 when the first line is no title: a first line without a label's colon, at
 * most 120 characters, written in capitals or naming a report ("Pathology Report - Breast Core Biopsy").
 */
function reportTitleEnd(text: string): number {
  let end = text.indexOf('\n');
  if (end < 0) end = text.length;
  if (end > 120) return -1;
  const line = text.slice(0, end);
  if (line.includes(':') || !(/\breport\b/i.test(line) || !/[a-z]/.test(line))) return -1;
  return end;
}

/** A site statement that names no organ ("Tumor Site: 7 o'clock") is in the organ the report's other sites name. */
function assignReportOrgan(findings: Finding[]): void {
  const counts = new Map<string, number>();
  for (const f of findings) if (f.kind === 'primary-site' && f.value.organ && !f.context.historical && f.context.experiencer === 'patient') counts.set(f.value.organ, (counts.get(f.value.organ) ?? 0) + 1);
  for (const f of findings) if (f.kind === 'specimen') {
    const organ = organOfSite(f.value.description);
    if (organ) counts.set(organ, (counts.get(organ) ?? 0) + 1);
  }
  const organ = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!organ) return;
  for (const f of findings) if (f.kind === 'primary-site' && !f.value.organ) f.value = { ...f.value, organ };
}

/** Cheap tests that a unit may hold a kind of finding at all (each extractor runs only where its words occur). */
const MAY_HOLD = {
  histology: /carcinom|melanom|sarcom|lymphom|tumou?r|mesotheliom|glioblastom|malignan|[DL]CIS|lentigo maligna|history of cancer|carcinoid/i,
  grade: /grade|differentiat|gleason|\bG[1-4]\b|\bGG\s*[1-5]/i,
  invasion: /invasion|\bLVI|\bPNI|\bLVSI|\bEMVI|lymphovascular|perineu|angiolymphatic|neurotrop|nerve|angiosis/i,
  /** UICC's L / V / Pn codes ("pT3 L1 V0 Pn1"), case as written. */
  invasionCodes: /\b(?:[LV]|Pn)[012]\b/,
  edition: /AJCC|UICC|TNM/,
  /** "if methylation is absent", "if unmethylated" (conditionalMethylationOf). */
  conditionalMethylation: /\bif\s+(?:\S+\s+){0,2}(?:methylation|unmethylated)\b/i,
  biomarker: /receptor|\bER\b|\bPR\b|PgR|HER|Ki-?67|MIB|PD-?L1|MLH1|PMS2|MSH[26]|MSI|MSS|microsatellite|mismatch|MMR|CPS|TPS/i,
};

function unitCandidates(unit: ExtractionUnit, edition: number | undefined): Candidate[] {
  const s = unit.text.slice(unit.span.start, unit.span.end);
  // appended in place: most extractors find nothing in a unit, and spreading each result cost an array per call
  const out: Candidate[] = [];
  append(out, specimenOf(unit));
  append(out, organMentionsOf(unit));
  append(out, lateralityMentionsOf(unit));
  if (MAY_HOLD.histology.test(s)) append(out, histologyOf(unit));
  if (MAY_HOLD.grade.test(s)) append(out, gradeOf(unit));
  append(out, tumorSizeOf(unit));
  append(out, marginsOf(unit));
  if (MAY_HOLD.invasion.test(s) || MAY_HOLD.invasionCodes.test(s)) append(out, invasionOf(unit));
  append(out, lymphNodesOf(unit));
  if (MAY_HOLD.edition.test(s)) append(out, stagingEditionsOf(unit));
  append(out, tnmOf(unit, edition));
  if (MAY_HOLD.biomarker.test(s)) append(out, biomarkerFromLabel(unit) ?? biomarkersFromProse(unit));
  if (mayNameGene(s)) append(out, geneAlterationsOf(unit));
  if (MAY_HOLD.conditionalMethylation.test(s)) append(out, conditionalMethylationOf(unit));
  return out;
}

function append(out: Candidate[], more: readonly Candidate[]): void {
  for (let i = 0; i < more.length; i++) out.push(more[i] as Candidate);
}

function toFinding(candidate: Candidate, unit: ExtractionUnit, id: number, text: string, sentences: Span[], analyzer: ConTextAnalyzer, priorEpisode: (sentence: Span) => PriorEpisode | undefined): Finding {
  const target = candidate.target ?? candidate.span;
  const sentence = sentenceAt(sentences, target.start) ?? unit.span;
  const assessed = analyzer.assess(text, target, { start: Math.max(sentence.start, unit.span.start), end: Math.min(sentence.end, unit.span.end) });
  // a sentence opening on a past episode ("Prior ... adenocarcinoma, lobectomy 2020 (pT1b pN0)") makes what it says historical
  const episode = assessed.historical || assessed.experiencer !== 'patient' ? undefined : priorEpisode(sentence);
  const prior = episode && target.start >= episode.opener.end && target.end <= episode.end ? episode : undefined;
  if (prior) assessed.triggers.push({ category: 'historical', phrase: prior.phrase, direction: 'forward', span: prior.opener, scope: { start: prior.opener.end, end: prior.end }, source: 'oncoboard:prior-episode' });
  const context: FindingContext = {
    negated: candidate.negatedByValue ? true : candidate.affirmedByValue ? false : assessed.negated,
    uncertain: candidate.uncertainByValue || assessed.uncertain,
    // a relative's disease is family history, not a past episode of the patient's (the labelling guideline's reading)
    historical: (assessed.historical || prior !== undefined) && assessed.experiencer === 'patient',
    hypothetical: assessed.hypothetical,
    experiencer: assessed.experiencer,
  };
  const value = adjustValue(candidate.kind, candidate.value, context);
  const contextTriggers = assessed.triggers.length === 0 ? [] : assessed.triggers.filter((t) => !(candidate.affirmedByValue && t.category === 'negated')).map((t) => ({ category: t.category, phrase: t.phrase, span: t.span }));
  const section = unit.section;
  // two literals (the addendum's ordinal only in an addendum), not a spread of a conditional object per finding
  return (
    section.ordinal !== undefined
      ? { id, kind: candidate.kind, value, span: candidate.span, section: section.kind, sectionIndex: section.index, addendum: section.ordinal, source: candidate.source, context, contextTriggers, key: candidate.key }
      : { id, kind: candidate.kind, value, span: candidate.span, section: section.kind, sectionIndex: section.index, source: candidate.source, context, contextTriggers, key: candidate.key }
  ) as Finding;
}

interface PriorEpisode {
  /** The words that open the sentence on a past episode ("Prior", "History of", "PAST HX"). */
  opener: Span;
  phrase: string;
  /** Where the past episode's part of the sentence ends (before "now", "currently"). */
  end: number;
}

/**
 * "Prior right upper lobe adenocarcinoma, lobectomy 2020 (pT1b pN0), no recurrence", "Previous left breast carcinoma
 * treated by mastectomy (2010)", "PAST HX LEFT BREAST DCIS 2019 (WLE + RT)", "Past: transurethral resection of bladder
 * tumour 2020": a sentence that opens on a past episode of cancer is about that episode up to its end or a turn to the
 * present ("…, now with a new mass"). ConText's "prior" and "previous" reach one word only ([ONEW]). Not "Prior biopsy
 * showed carcinoma": an earlier sample of the current tumour is not a past episode (the labelling guideline).
 */
const PRIOR_EPISODE = /^((?:(?:personal |past )?(?:medical )?history of|past (?:medical )?(?:history|hx)(?: of)?|prior(?: history of)?|previous(?: history of)?|past:?))\s+((?:[A-Za-z-]+,?\s+){0,4}?)(?:carcinoma|cancer|malignancy|adenocarcinoma|melanoma|tumou?r|dcis|lcis|lymphoma|sarcoma|neoplasm)\b/i;
const SAMPLE_WORDS = /\b(?:showed|shows|revealed|demonstrated|confirmed|biops\w*|core|fna|cytology)\b/i;
const TURN_TO_PRESENT = /[;,]\s*now\b|\bcurrently\b|\bnow with\b|\bpresent(?:s|ing) with\b/i;

/** The past-episode scope of each sentence, computed once per sentence of one report. */
function priorEpisodeScopes(text: string): (sentence: Span) => PriorEpisode | undefined {
  const cache = new Map<number, PriorEpisode | null>();
  return (sentence) => {
    let found = cache.get(sentence.start);
    if (found === undefined) {
      const s = text.slice(sentence.start, sentence.end);
      const m = /^(?:prior|previous|past|history|personal)/i.test(s) ? PRIOR_EPISODE.exec(s) : null;
      found = null;
      if (m && !SAMPLE_WORDS.test(m[2] as string)) {
        const turn = TURN_TO_PRESENT.exec(s);
        const opener = m[1] as string;
        found = { opener: { start: sentence.start, end: sentence.start + opener.length }, phrase: opener.toLowerCase(), end: sentence.start + (turn ? turn.index : s.length) };
      }
      cache.set(sentence.start, found);
    }
    return found ?? undefined;
  };
}

/** The value must agree with the context: a negated invasion is absent; a negated alteration is not detected. */
function adjustValue<K extends FindingKind>(kind: K, value: FindingValues[K], context: FindingContext): FindingValues[K] {
  if ((kind === 'lymphovascular-invasion' || kind === 'perineural-invasion') && context.negated) return { ...value, status: 'absent' } as FindingValues[K];
  if (kind === 'gene-alteration') {
    const v = value as FindingValues['gene-alteration'];
    if (context.negated) return { ...v, detected: false } as FindingValues[K];
    if (v.detected === null && !context.hypothetical && !context.uncertain) return { ...v, detected: true } as FindingValues[K];
  }
  return value;
}
