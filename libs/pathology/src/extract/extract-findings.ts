// Runs every extractor over a report's lines and sentences, assigns each finding its section and its ConText
// context, and marks findings an addendum supersedes.
import { ConTextAnalyzer, type FindingContext } from '../context/context-algorithm';
import { sentenceAt, splitSentences } from '../context/sentences';
import { detectSections, type ReportSection } from '../sections';
import type { Span } from '../span';
import { markSupersededFindings } from './addenda';
import { biomarkerFromLabel, biomarkersFromProse } from './biomarker-findings';
import { labelledUnit, type ExtractionUnit } from './extraction-unit';
import type { Candidate, Finding, FindingKind, FindingValues } from './finding';
import { geneAlterationsOf } from './gene-alteration-findings';
import { specimenOf } from './specimen-findings';
import { gradeOf, histologyOf, invasionOf, lymphNodesOf, marginsOf, reportEditionOf, tnmOf, tumorSizeOf } from './tumor-findings';

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
export function extractFindings(text: string, options: ExtractOptions = {}): ExtractedReport {
  const analyzer = options.analyzer ?? (defaultAnalyzer ??= new ConTextAnalyzer());
  const sections = detectSections(text);
  const contextSentences = splitSentences(text);
  const edition = reportEditionOf(text);
  const candidates: { candidate: Candidate; unit: ExtractionUnit }[] = [];
  for (const section of sections) {
    for (const span of splitSentences(text, section.bodySpan.start, section.bodySpan.end, { semicolons: false })) {
      const unit = labelledUnit(text, span, section);
      const found = unitCandidates(unit, edition);
      const synoptic = found.some((c) => c.source === 'synoptic');
      for (const candidate of found) if (!synoptic || candidate.source === 'synoptic') candidates.push({ candidate, unit });
    }
  }
  const seen = new Set<string>();
  const unique = candidates.filter(({ candidate: c }) => {
    const key = `${c.kind}|${c.span.start}|${c.span.end}|${c.key}|${(c.target ?? c.span).start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => a.candidate.span.start - b.candidate.span.start || a.candidate.span.end - b.candidate.span.end);
  const findings = unique.map(({ candidate, unit }, id) => toFinding(candidate, unit, id, text, contextSentences, analyzer));
  markSupersededFindings(findings);
  return { text, sections, findings };
}

function unitCandidates(unit: ExtractionUnit, edition: number | undefined): Candidate[] {
  return [
    ...specimenOf(unit),
    ...histologyOf(unit),
    ...gradeOf(unit),
    ...tumorSizeOf(unit),
    ...marginsOf(unit),
    ...invasionOf(unit),
    ...lymphNodesOf(unit),
    ...tnmOf(unit, edition),
    ...(biomarkerFromLabel(unit) ?? biomarkersFromProse(unit)),
    ...geneAlterationsOf(unit),
  ];
}

function toFinding(candidate: Candidate, unit: ExtractionUnit, id: number, text: string, sentences: Span[], analyzer: ConTextAnalyzer): Finding {
  const target = candidate.target ?? candidate.span;
  const sentence = sentenceAt(sentences, target.start) ?? unit.span;
  const assessed = analyzer.assess(text, target, { start: Math.max(sentence.start, unit.span.start), end: Math.min(sentence.end, unit.span.end) });
  const context: FindingContext = {
    negated: candidate.negatedByValue ? true : candidate.affirmedByValue ? false : assessed.negated,
    uncertain: assessed.uncertain,
    historical: assessed.historical,
    hypothetical: assessed.hypothetical,
    experiencer: assessed.experiencer,
  };
  const value = adjustValue(candidate.kind, candidate.value, context);
  return {
    id,
    kind: candidate.kind,
    value,
    span: candidate.span,
    section: unit.section.kind,
    sectionIndex: unit.section.index,
    ...(unit.section.ordinal !== undefined ? { addendum: unit.section.ordinal } : {}),
    source: candidate.source,
    context,
    contextTriggers: assessed.triggers.filter((t) => !(candidate.affirmedByValue && t.category === 'negated')).map((t) => ({ category: t.category, phrase: t.phrase, span: t.span })),
    key: candidate.key,
  } as Finding;
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
