// The default case-summary composer: no language model, no network. Each sentence is assembled from facts, and
// every part of it cites the record element it was read from (the fact's attributes.elementPaths, else its
// provenance). Sections without data say so; conflicting facts are stated with both sources, never resolved.
import type { Coding, FactValue, Provenance } from '@oncoboard/facts';
import { formatFactValue } from '@oncoboard/facts';
import { evidenceFrom, negationCue, type Evidence } from './evidence';
import { MODEL_CARD_RECORD_PREFIX, modelCardRecordKey, modelLimits, PREDICTION_RECORD_PREFIX, predictionRecordKey, type StoredPrediction } from './model-prediction';
import { assessRecist, isoDay, recistSentenceText, type LesionPoint } from './recist-trend';
import { groupTherapyLines, inLineWindow, LINE_RULE, lineName, SYSTEMIC_KINDS, type TherapyLine } from './treatment-lines';

/** The fact shape the composer reads (what the store returns: a Fact with its id and record key). */
export interface SummaryFact {
  id: string;
  kind: string;
  patientKey: string;
  sourceRecordKey: string;
  code?: Coding;
  value?: FactValue;
  effectiveStart?: string;
  effectiveEnd?: string;
  status?: string;
  attributes: Record<string, unknown>;
  provenance: Provenance[];
}

export const SUMMARY_SECTIONS = [
  { id: 'diagnosis', title: 'Diagnosis' },
  { id: 'stage', title: 'Stage' },
  { id: 'pathology', title: 'Pathology findings' },
  { id: 'biomarkers', title: 'Biomarkers' },
  { id: 'genomics', title: 'Genomic alterations' },
  { id: 'treatment', title: 'Treatment history' },
  { id: 'imaging', title: 'Imaging measurements' },
  { id: 'performance', title: 'Performance status and disease status' },
  { id: 'model', title: 'Joint model' },
] as const;
export type SummarySectionId = (typeof SUMMARY_SECTIONS)[number]['id'];

export interface SummarySentence {
  section: SummarySectionId;
  text: string;
  /** Evidence ids (keys of CaseSummary.evidence); at least one. */
  citations: string[];
}

export interface SummarySection {
  id: SummarySectionId;
  title: string;
  sentences: SummarySentence[];
  /** What is missing when the section has no sentence (never filler), or what was left out of a long section. */
  note?: string;
}

export interface OpenQuestion {
  text: string;
  /** Why it is asked (the rule), for the coordinator. */
  rule: string;
}

export interface CaseSummary {
  patientKey: string;
  /** Composer id and version: which code wrote the sentences. */
  composer: string;
  sections: SummarySection[];
  evidence: Record<string, Evidence>;
  openQuestions: OpenQuestion[];
}

export const COMPOSER_ID = 'oncoboard-template-composer@1';
/** Knowledge-base evidence sentences per summary (best ranked); the rest are counted in the section note. */
export const MAX_EVIDENCE_SENTENCES = 5;

/** A display text without SNOMED's semantic tag: "Left breast structure (body structure)" → "Left breast structure". */
export function plainTerm(text: string): string {
  return text.replace(/\s*\((?:disorder|finding|morphologic abnormality|body structure|qualifier value|procedure|regime\/therapy|observable entity|tumor staging|substance|product)\)\s*$/i, '').trim();
}

function codingText(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return typeof value === 'string' ? value : undefined;
  const v = value as { display?: string; code?: string; text?: string; coding?: Coding[] };
  if (Array.isArray(v.coding)) return v.coding[0] ? plainTerm(v.coding[0].display ?? v.coding[0].code ?? '') || v.text : v.text;
  const t = v.display ?? v.code ?? v.text;
  return t ? plainTerm(t) : undefined;
}

function firstText(value: unknown): string | undefined {
  return Array.isArray(value) ? codingText(value[0]) : codingText(value);
}

const day = (date: string | undefined) => date?.slice(0, 10);

/** Builds one sentence from parts; each part names the fact attribute whose element it cites. */
class SentenceBuilder {
  private readonly parts: string[] = [];
  private readonly cited: Provenance[] = [];

  constructor(private readonly fact: SummaryFact) {}

  /**
   * Appends `text` citing the element of `attribute` (attributes.elementPaths) of `fact` (default: the sentence's
   * fact), else that fact's first provenance.
   */
  add(text: string | undefined, attribute?: string, fact: SummaryFact = this.fact): this {
    if (!text) return this;
    this.parts.push(text);
    const paths = fact.attributes.elementPaths as Record<string, string> | undefined;
    const path = attribute ? paths?.[attribute] : undefined;
    const provenance = path
      ? fact.provenance.find((p) => p.elementPath === path) ?? { sourceRecordKey: fact.sourceRecordKey, elementPath: path }
      : attribute === 'value' || attribute === undefined
        ? fact.provenance[0]
        : undefined;
    if (provenance && !this.cited.some((p) => p.elementPath === provenance.elementPath && p.sourceRecordKey === provenance.sourceRecordKey && p.span?.start === provenance.span?.start)) {
      this.cited.push(provenance);
    }
    return this;
  }

  /** Cites a record place without adding words (the record the sentence is about). */
  cite(provenance: Provenance): this {
    if (!this.cited.some((p) => p.elementPath === provenance.elementPath && p.sourceRecordKey === provenance.sourceRecordKey && p.span?.start === provenance.span?.start)) this.cited.push(provenance);
    return this;
  }

  /** Plain connecting words that state nothing of their own. */
  text(words: string): this {
    this.parts.push(words);
    return this;
  }

  build(): { text: string; cited: Provenance[] } | undefined {
    if (this.cited.length === 0) return undefined;
    const text = this.parts.join('').replace(/\s+/g, ' ').replace(/\s+([,.;)])/g, '$1').trim();
    return { text: /[.!?]$/.test(text) ? text : `${text}.`, cited: this.cited };
  }
}

const TREATMENT_KIND_LABEL: Record<string, string> = {
  'cancer-related-medication-request': 'medication request',
  'cancer-related-medication-administration': 'medication administered',
  'cancer-related-surgical-procedure': 'surgery',
  'radiotherapy-course-summary': 'radiotherapy course',
};

const STAGE_CATEGORY_LABEL: Record<string, string> = {
  'tnm-stage-group': 'stage group',
  'tnm-primary-tumor-category': 'T category',
  'tnm-regional-nodes-category': 'N category',
  'tnm-distant-metastases-category': 'M category',
  'cancer-stage': 'stage',
};

const PERFORMANCE_LABEL: Record<string, string> = {
  'cancer-disease-status': 'Disease status',
  'ecog-performance-status': 'ECOG performance status',
  'karnofsky-performance-status': 'Karnofsky performance status',
};

function stageTypeLabel(fact: SummaryFact): string {
  const t = fact.attributes.stageType;
  return t === 'clinical' ? 'Clinical ' : t === 'pathological' ? 'Pathological ' : '';
}

function diagnosisSentence(f: SummaryFact): SentenceBuilder {
  const s = new SentenceBuilder(f);
  s.text(f.kind === 'secondary-cancer-condition' ? 'Secondary (metastatic) cancer: ' : 'Primary cancer: ').add(codingText(f.code), 'code');
  const histology = codingText(f.attributes.histologyMorphologyBehavior);
  if (histology) s.text(', histology ').add(histology, 'histologyMorphologyBehavior');
  const site = firstText(f.attributes.bodySite);
  if (site) s.text(', site ').add(site, 'bodySite');
  const laterality = codingText(f.attributes.laterality);
  if (laterality) s.text(', laterality ').add(laterality, 'laterality');
  if (f.effectiveStart) s.text(', diagnosed ').add(day(f.effectiveStart), 'effectiveStart');
  return s;
}

/**
 * A label for a coded observation: the code's display when the record has one, else the mapper's name for it
 * followed by the code itself ("ER (LOINC 85337-4)"), so the label cites what the record actually holds.
 */
function codeLabel(f: SummaryFact, name: string | undefined): string | undefined {
  if (f.code?.display) return plainTerm(f.code.display);
  const code = f.code?.code;
  if (!code) return name;
  const system = f.code?.system === 'http://loinc.org' ? 'LOINC ' : f.code?.system === 'http://snomed.info/sct' ? 'SNOMED ' : '';
  return name ? `${name} (${system}${code})` : `${system}${code}`;
}

function valueSentence(f: SummaryFact, label: string | undefined): SentenceBuilder {
  const s = new SentenceBuilder(f);
  const value = f.value?.type === 'coding' ? codingText(f.value.coding) ?? f.value.text : formatFactValue(f.value);
  s.add(label, 'code').text(': ').add(value, 'value');
  if (f.effectiveStart) s.text(', ').add(day(f.effectiveStart), 'effectiveStart');
  return s;
}

/** "American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system" → "American Joint Commission on Cancer, 8th edition". */
export function stagingMethodText(method: unknown): string | undefined {
  const display = codingText(method);
  if (!display) return undefined;
  const head = display.split(/\s+-\s+|,\s|\s\(/)[0]!;
  const edition = /\b(\d+(?:st|nd|rd|th)) edition\b/i.exec(display)?.[1];
  return edition && head !== display ? `${head}, ${edition} edition` : display;
}

function stageSentence(f: SummaryFact): SentenceBuilder {
  const s = new SentenceBuilder(f);
  if (f.kind === 'cancer-stage') s.add(codeLabel(f, 'Stage'), 'code').text(': ');
  else s.text(`${stageTypeLabel(f)}${STAGE_CATEGORY_LABEL[f.kind]}: `);
  s.add(f.value?.type === 'coding' ? codingText(f.value.coding) : formatFactValue(f.value), 'value');
  const method = stagingMethodText(f.attributes.stagingMethod);
  if (method) s.text(' (').add(method, 'stagingMethod').text(')');
  if (f.effectiveStart) s.text(', ').add(day(f.effectiveStart), 'effectiveStart');
  return s;
}

function genomicSentence(f: SummaryFact): SentenceBuilder {
  const s = new SentenceBuilder(f);
  const gene = typeof f.attributes.geneStudied === 'string' ? f.attributes.geneStudied : firstText(f.attributes.genes);
  s.add(gene ?? 'Genomic variant', gene ? 'geneStudied' : 'code');
  const change = ['aminoAcidChange', 'genomicDnaChange', 'dnaChange', 'variationCode'].find((a) => typeof f.attributes[a] === 'string' || codingText(f.attributes[a]));
  if (change) s.text(' ').add(codingText(f.attributes[change]), change);
  s.text(': ').add(f.value?.type === 'coding' ? codingText(f.value.coding) : formatFactValue(f.value), 'value');
  const source = codingText(f.attributes.genomicSourceClass);
  if (source) s.text(', ').add(source.toLowerCase(), 'genomicSourceClass');
  if (f.effectiveStart) s.text(', ').add(day(f.effectiveStart), 'effectiveStart');
  return s;
}

function treatmentSentence(f: SummaryFact): SentenceBuilder {
  const s = new SentenceBuilder(f);
  s.add(codingText(f.code), 'code').text(` (${TREATMENT_KIND_LABEL[f.kind]})`);
  if (f.effectiveStart) s.text(f.effectiveEnd ? ', from ' : ', ').add(day(f.effectiveStart), 'effectiveStart');
  if (f.effectiveEnd) s.text(' to ').add(day(f.effectiveEnd), 'effectiveEnd');
  const intent = codingText(f.attributes.treatmentIntent);
  if (intent) s.text(', intent ').add(intent.split(/\s+-\s+/)[0], 'treatmentIntent');
  return s;
}

function lesionSentence(f: SummaryFact): SentenceBuilder {
  const s = new SentenceBuilder(f);
  const a = f.attributes;
  s.text(`Lesion ${String(a.lesion ?? '')}`.trim()).text(a.modality ? ` on ${String(a.modality)}` : '');
  if (f.effectiveStart) s.text(' of ').add(day(f.effectiveStart), 'effectiveStart');
  s.text(': volume ').add(f.value?.type === 'quantity' ? `${f.value.quantity.value} mL` : undefined, 'value');
  if (typeof a.longestDiameterMm === 'number') s.text(', longest axial diameter ').add(`${a.longestDiameterMm} mm`, 'value');
  if (typeof a.shortAxisMm === 'number') s.text(', short axis ').add(`${a.shortAxisMm} mm`, 'value');
  return s;
}

/** Pathology-report findings (libs/pathology facts: span provenance, attributes.context). */
const PATHOLOGY_LABEL: Record<string, string> = {
  'pathology-specimen': 'Specimen',
  'pathology-procedure': 'Procedure',
  'tumor-site': 'Primary site',
  'tumor-laterality': 'Laterality',
  'histology-morphology-behavior': 'Histologic type',
  'histologic-grade': 'Grade',
  'tumor-size': 'Tumor size',
  'surgical-margin': 'Margin',
  'lymphovascular-invasion': 'Lymphovascular invasion',
  'perineural-invasion': 'Perineural invasion',
  'regional-lymph-nodes': 'Lymph nodes',
  'staging-edition': 'Staging edition',
};

interface FindingContextLike {
  negated?: boolean;
  uncertain?: boolean;
  historical?: boolean;
  hypothetical?: boolean;
  experiencer?: string;
}

/** A finding read from a report text by libs/pathology: a character span and the ConText context. */
function isTextFinding(f: SummaryFact): boolean {
  return typeof f.attributes.context === 'object' && f.provenance.some((p) => p.span !== undefined);
}

function findingValueText(f: SummaryFact): string | undefined {
  const a = f.attributes;
  if (f.kind === 'tumor-marker') {
    const parts = [typeof a.result === 'string' ? a.result : undefined, typeof a.score === 'string' ? `${String(a.method ?? '')} ${a.score}`.trim() : undefined, typeof a.percent === 'number' ? `${a.percent}%` : undefined];
    const text = parts.filter(Boolean).join(', ');
    if (text) return text;
  }
  if (f.value?.type === 'ratio') return `${f.value.numerator.value} ${f.value.numerator.unit ?? ''} of ${f.value.denominator.value} ${f.value.denominator.unit ?? ''}`.replace(/\s+/g, ' ').trim();
  if (f.value?.type === 'coding') return f.value.text ?? codingText(f.value.coding);
  if (f.value?.type === 'integer' && f.kind === 'histologic-grade') return `grade ${f.value.value}`;
  return formatFactValue(f.value) || (typeof a.name === 'string' ? a.name : undefined);
}

/**
 * "Lymphovascular invasion: absent", "Possible lymphovascular invasion: present", "Family history: ...": negated
 * and uncertain findings are said as such; hypothetical and superseded ones are left out of the summary (the
 * report view shows them).
 */
function textFindingSentence(f: SummaryFact, recordText?: RecordText): SentenceBuilder | undefined {
  const context = (f.attributes.context ?? {}) as FindingContextLike;
  if (context.hypothetical || f.status === 'superseded') return undefined;
  const label = f.kind === 'tumor-marker' ? String(f.attributes.marker ?? codingText(f.code) ?? 'Marker') : (PATHOLOGY_LABEL[f.kind] ?? codingText(f.code) ?? f.kind);
  const prefix = context.experiencer === 'other' ? 'Family history: ' : context.historical ? 'History of ' : context.uncertain ? 'Possible ' : '';
  const head = prefix ? `${prefix}${prefix.endsWith(': ') ? label : label.toLowerCase()}: ` : `${label}: `;
  const s = new SentenceBuilder(f);
  // With the report text at hand the finding is quoted as written (units, wording, negation and all).
  const cited = f.provenance.find((p) => p.span);
  const text = cited?.span ? recordText?.(cited.sourceRecordKey) : undefined;
  if (cited?.span && text !== undefined) {
    const quote = text.slice(cited.span.start, cited.span.end).replace(/\s+/g, ' ').trim();
    // A negated finding whose span does not carry the negation itself ("No [lymphovascular invasion] identified").
    const absent = context.negated && !negationCue(quote) ? 'absent — ' : '';
    if (quote) return s.text(head + absent).add(`“${quote.length > 200 ? `${quote.slice(0, 199)}…` : quote}”`, 'value');
  }
  const value = findingValueText(f);
  if (!value) return undefined;
  s.text(head).add(value, 'value');
  if (context.negated && !/\b(absent|negative|not|no)\b/i.test(value)) s.text(' (negated in the report)');
  return s;
}

/** A variant from a VCF: gene, protein and coding change, position, as the file states them. */
function somaticVariantSentence(f: SummaryFact): SentenceBuilder {
  const a = f.attributes;
  const s = new SentenceBuilder(f);
  const where = typeof a.chrom === 'string' ? `${a.chrom}:${String(a.pos)} ${String(a.ref)}>${String(a.alt)}${typeof a.assembly === 'string' ? ` (${a.assembly})` : ''}` : undefined;
  const parts = [a.gene, a.hgvsp, a.hgvsc ? `(${String(a.hgvsc)})` : undefined].filter((x): x is string => typeof x === 'string');
  s.text('Somatic variant ').add([...parts, where ? `at ${where}` : undefined].filter(Boolean).join(' '), 'value');
  if (Array.isArray(a.consequences) && a.consequences.length) s.text(`, ${(a.consequences as string[]).join(', ').replace(/_/g, ' ')}`);
  return s;
}

/** A knowledge-base evidence item matched to the patient's variant: level, therapy, disease, citation, KB version. */
function actionabilitySentence(f: SummaryFact): SentenceBuilder {
  const a = f.attributes;
  const s = new SentenceBuilder(f);
  const patientVariants = Array.isArray(a.patientVariants) ? (a.patientVariants as string[]) : [];
  const variantSides = f.provenance.filter((p) => !p.sourceRecordKey.startsWith('kb/'));
  s.text(`${String(a.gene)} ${patientVariants.join(', ')} matches CIViC `).add(String(a.civicVariant), 'civicVariant');
  s.text(': level ').add(String(a.level), 'level').text(` ${String(a.evidenceType).toLowerCase()} evidence, `).add(String(a.significance), 'significance');
  const therapies = Array.isArray(a.therapies) ? (a.therapies as string[]) : [];
  if (therapies.length) s.text(', ').add(therapies.join(' + '), 'therapies');
  s.text(' in ').add(String(a.disease), 'disease').text(a.onLabel ? " (the patient's cancer type)" : ' (another cancer type)');
  s.text('; ').add(String(a.citation), 'citation').text(', CIViC evidence ').add(String(a.evidenceId), 'evidenceId');
  s.text(', KB ').add(String(a.kbVersion), 'kb');
  // The patient's own variant line(s): the claim is about this patient.
  for (const p of variantSides) s.cite(p);
  return s;
}

const SECTION_OF_KIND: Record<string, SummarySectionId> = {
  'primary-cancer-condition': 'diagnosis',
  'secondary-cancer-condition': 'diagnosis',
  'tnm-stage-group': 'stage',
  'tnm-primary-tumor-category': 'stage',
  'tnm-regional-nodes-category': 'stage',
  'tnm-distant-metastases-category': 'stage',
  'cancer-stage': 'stage',
  'tumor-marker': 'biomarkers',
  'genomic-variant': 'genomics',
  'somatic-variant': 'genomics',
  'actionability-evidence': 'genomics',
  'cancer-related-medication-request': 'treatment',
  'cancer-related-medication-administration': 'treatment',
  'cancer-related-surgical-procedure': 'treatment',
  'radiotherapy-course-summary': 'treatment',
  'lesion-measurement': 'imaging',
  'ecog-performance-status': 'performance',
  'karnofsky-performance-status': 'performance',
  'cancer-disease-status': 'performance',
  'tumor-size': 'pathology',
  ...Object.fromEntries(Object.keys(PATHOLOGY_LABEL).map((k) => [k, 'pathology' as const])),
};

/** The verbatim text of a text record (a pathology report), when the caller has it. */
export type RecordText = (sourceRecordKey: string) => string | undefined;

function sentenceFor(f: SummaryFact, recordText?: RecordText): SentenceBuilder | undefined {
  if (isTextFinding(f)) return textFindingSentence(f, recordText);
  switch (SECTION_OF_KIND[f.kind]) {
    case 'diagnosis':
      return diagnosisSentence(f);
    case 'stage':
      return stageSentence(f);
    case 'genomics':
      return f.kind === 'somatic-variant' ? somaticVariantSentence(f) : f.kind === 'actionability-evidence' ? actionabilitySentence(f) : genomicSentence(f);
    case 'treatment':
      return treatmentSentence(f);
    case 'imaging':
      return lesionSentence(f);
    case 'biomarkers':
      return valueSentence(f, codeLabel(f, typeof f.attributes.marker === 'string' ? f.attributes.marker : undefined));
    case 'performance':
      return valueSentence(f, codeLabel(f, PERFORMANCE_LABEL[f.kind]));
    case 'pathology':
      return valueSentence(f, codingText(f.code));
    default:
      return undefined;
  }
}

const EMPTY_NOTE: Record<SummarySectionId, string> = {
  diagnosis: 'No cancer diagnosis is on record for this patient.',
  stage: 'No staging is on record.',
  pathology: 'No pathology findings are on record (pathology report extraction has not produced facts for this patient).',
  biomarkers: 'No biomarker results are on record.',
  genomics: 'No genomic results are on record.',
  treatment: 'No cancer treatment is on record.',
  imaging: 'No imaging measurements are on record.',
  performance: 'No performance status or disease status is on record.',
  model: 'No joint-model prediction is on record for this patient.',
};

/** Same kind, same stage type and focus, different values: both are stated, with both sources. */
function stageConflicts(facts: SummaryFact[]): SentenceBuilder[] {
  const byKey = new Map<string, SummaryFact[]>();
  for (const f of facts) {
    if (SECTION_OF_KIND[f.kind] !== 'stage' || f.kind === 'cancer-stage') continue;
    // Only current findings about the patient can conflict (not a history, a relative, or a superseded value).
    const context = (f.attributes.context ?? {}) as FindingContextLike;
    if (context.historical || context.hypothetical || context.experiencer === 'other' || f.status === 'superseded') continue;
    const key = `${f.kind}|${String(f.attributes.stageType ?? '')}|${String(f.attributes.focusConditionRef ?? '')}`;
    byKey.set(key, [...(byKey.get(key) ?? []), f]);
  }
  const out: SentenceBuilder[] = [];
  for (const group of byKey.values()) {
    const values = new Map<string, SummaryFact>();
    for (const f of group) {
      const v = f.value?.type === 'coding' ? codingText(f.value.coding) : formatFactValue(f.value);
      if (v && !values.has(v)) values.set(v, f);
    }
    if (values.size < 2) continue;
    const [[v1, f1], [v2, f2]] = [...values.entries()] as [[string, SummaryFact], [string, SummaryFact]];
    const s = new SentenceBuilder(f1).text(`Conflicting ${stageTypeLabel(f1).toLowerCase()}${STAGE_CATEGORY_LABEL[f1.kind]} on record: `);
    s.add(v1, 'value').text(' and ').add(v2, 'value', f2).text('; the board should decide which applies');
    out.push(s);
  }
  return out;
}

function openQuestions(facts: SummaryFact[], today: Date): OpenQuestion[] {
  const questions: OpenQuestion[] = [];
  const cancers = facts.filter((f) => f.kind === 'primary-cancer-condition');
  const text = (f: SummaryFact) => `${codingText(f.code) ?? ''} ${firstText(f.attributes.bodySite) ?? ''}`.toLowerCase();
  const markerNamed = (re: RegExp) => facts.some((f) => (f.kind === 'tumor-marker' || f.kind.startsWith('pathology-')) && re.test(`${String(f.attributes.marker ?? '')} ${codingText(f.code) ?? ''} ${String(f.attributes.field ?? '')}`));
  if (cancers.length === 0) questions.push({ text: 'No primary cancer diagnosis is recorded: confirm the diagnosis before board review.', rule: 'every case needs a primary cancer condition' });
  if (cancers.some((f) => /breast/.test(text(f))) && !markerNamed(/her2|erbb2/i)) questions.push({ text: 'Breast cancer without a HER2 result on record.', rule: 'breast cancer: HER2 status guides therapy' });
  if (cancers.some((f) => /breast/.test(text(f))) && !markerNamed(/estrogen|\ber\b|progesterone|\bpr\b/i)) questions.push({ text: 'Breast cancer without hormone-receptor (ER/PR) results on record.', rule: 'breast cancer: ER/PR status guides therapy' });
  if (cancers.some((f) => /lung/.test(text(f))) && !facts.some((f) => f.kind === 'genomic-variant')) questions.push({ text: 'Lung cancer without genomic testing on record (EGFR, ALK, ROS1, KRAS, PD-L1...).', rule: 'NSCLC: biomarker testing before first-line therapy' });
  if (cancers.length > 0 && !facts.some((f) => SECTION_OF_KIND[f.kind] === 'stage')) questions.push({ text: 'No stage is recorded.', rule: 'staging is required for treatment planning' });
  if (cancers.length > 0 && !facts.some((f) => f.kind === 'ecog-performance-status' || f.kind === 'karnofsky-performance-status')) questions.push({ text: 'No performance status (ECOG or Karnofsky) is recorded.', rule: 'fitness for therapy' });
  const imagingDates = facts.filter((f) => f.kind === 'lesion-measurement' && f.effectiveStart).map((f) => Date.parse(f.effectiveStart!));
  const ninetyDays = 90 * 86_400_000;
  if (cancers.length > 0 && !imagingDates.some((t) => today.getTime() - t <= ninetyDays)) questions.push({ text: 'No staging or response imaging measured in the last 90 days.', rule: 'current imaging for the board' });
  return questions;
}

/** "First line of systemic therapy: cyclophosphamide, DOXOrubicin, PACLitaxel, from 2018-04-01 to 2018-04-22, intent Curative." */
function therapyLineSentence(line: TherapyLine): SentenceBuilder {
  const s = new SentenceBuilder(line.start.fact);
  s.text(`${lineName(line.number)} of systemic therapy: `);
  line.drugs.forEach((drug, n) => {
    if (n > 0) s.text(', ');
    s.add(codingText(drug.facts[0]!.code), 'code', drug.facts[0]);
  });
  s.text(line.end ? ', from ' : ', started ').add(day(line.start.date), 'effectiveStart');
  if (line.end) s.text(' to ').add(day(line.end.date), line.end.attribute, line.end.fact);
  const intentFact = line.drugs.flatMap((d) => d.facts).find((f) => codingText(f.attributes.treatmentIntent));
  if (intentFact) s.text(', intent ').add(codingText(intentFact.attributes.treatmentIntent)!.split(/\s+-\s+/)[0], 'treatmentIntent', intentFact);
  const stopped = line.drugs.flatMap((d) => d.facts).find((f) => firstText(f.attributes.terminationReason) && (f.attributes.elementPaths as Record<string, string> | undefined)?.terminationReason);
  if (stopped) s.text(`; ${codingText(stopped.code) ?? 'a drug'} stopped: `).add(firstText(stopped.attributes.terminationReason), 'terminationReason', stopped);
  return s;
}

/** A lesion fact as a RECIST input point (undefined when it has no date). */
function lesionPoint(f: SummaryFact): LesionPoint | undefined {
  const date = isoDay(f.effectiveStart);
  if (!date) return undefined;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  return { date, label: n(f.attributes.label) ?? 0, lesion: n(f.attributes.lesion) ?? 0, longestDiameterMm: n(f.attributes.longestDiameterMm) };
}

/**
 * RECIST sentences over `lesions` (already restricted to a window, baseline first): one per follow-up date, or
 * only the last when `lastOnly`. Each cites every lesion entry measured from baseline to that date, and the
 * series dates of the baseline and that date; the verifier recomputes the category from those entries.
 */
function recistSentences(lesions: SummaryFact[], prefix: string, lastOnly: boolean): SentenceBuilder[] {
  const points = lesions.map((f) => [f, lesionPoint(f)] as const).filter((x): x is readonly [SummaryFact, LesionPoint] => x[1] !== undefined);
  const assessments = assessRecist(points.map(([, p]) => p)) ?? [];
  const out: SentenceBuilder[] = [];
  for (const a of lastOnly ? assessments.slice(-1) : assessments) {
    const used = points.filter(([, p]) => p.date <= a.date);
    const s = new SentenceBuilder(used[0]![0]).text(prefix + recistSentenceText(a));
    for (const [f] of used) if (f.provenance[0]) s.cite(f.provenance[0]);
    for (const date of [a.baselineDate, a.date]) {
      const f = used.find(([, p]) => p.date === date)?.[0];
      const path = (f?.attributes.elementPaths as Record<string, string> | undefined)?.effectiveStart;
      const provenance = path ? f!.provenance.find((p) => p.elementPath === path) : undefined;
      if (provenance) s.cite(provenance);
    }
    out.push(s);
  }
  return out;
}

/** The response evidence of one line: disease-status observations and RECIST in its window. */
function lineResponseSentences(line: TherapyLine, facts: SummaryFact[]): SentenceBuilder[] {
  const out: SentenceBuilder[] = [];
  const during = `During the ${lineName(line.number).toLowerCase()}, `;
  for (const f of facts.filter((x) => x.kind === 'cancer-disease-status' && inLineWindow(line, x.effectiveStart))) {
    out.push(new SentenceBuilder(f).text(during).add(codeLabel(f, PERFORMANCE_LABEL[f.kind]), 'code').text(': ').add(f.value?.type === 'coding' ? codingText(f.value.coding) ?? f.value.text : formatFactValue(f.value), 'value').text(', ').add(day(f.effectiveStart), 'effectiveStart'));
  }
  const lesions = facts.filter((f) => f.kind === 'lesion-measurement' && f.effectiveStart);
  const start = line.start.date.slice(0, 10);
  const baselineDate = lesions.map((f) => f.effectiveStart!.slice(0, 10)).filter((d) => d <= start).sort().at(-1);
  const windowed = lesions.filter((f) => (baselineDate !== undefined && f.effectiveStart!.slice(0, 10) === baselineDate) || inLineWindow(line, f.effectiveStart));
  out.push(...recistSentences(windowed, during, true));
  return out;
}

/** The joint-model section: risk, survival estimate, similar patients, the model card's limits. */
function predictionSentences(p: StoredPrediction): SentenceBuilder[] {
  const key = predictionRecordKey(p.id);
  const at = (elementPath: string) => ({ sourceRecordKey: key, elementPath });
  // A stand-in fact: the builder cites record places given explicitly (cite/addAt), never a fact attribute.
  const holder: SummaryFact = { id: key, kind: 'model-prediction', patientKey: p.patientKey, sourceRecordKey: key, attributes: {}, provenance: [at('modelVersion.id')] };
  const synthetic = p.modelVersion.synthetic ? 'synthetic ' : '';
  const round = (x: number, d: number) => String(Number(x.toFixed(d)));
  const out: SentenceBuilder[] = [];
  const risk = new SentenceBuilder(holder).text(`Joint model ${p.modelVersion.synthetic ? '(SYNTHETIC: trained on synthetic data, for demonstration only) ' : ''}`).add(p.modelVersion.id);
  risk.text(`, prediction of ${day(p.createdAt)!}`).cite(at('createdAt')).text(': risk score ').text(p.risk < 0 ? '−' : '').text(round(Math.abs(p.risk), 2)).cite(at('risk'));
  risk.text(' (log relative hazard, comparable only within this model version), percentile ').text(round(p.riskPercentile, 1)).cite(at('riskPercentile'));
  if (typeof p.result.referenceCohortSize === 'number') risk.text(' of the reference cohort of ').text(String(p.result.referenceCohortSize)).text(' patients').cite(at('result.referenceCohortSize'));
  out.push(risk);
  const sv = p.result.survival;
  const n = Math.min(sv?.times?.length ?? 0, sv?.survival?.length ?? 0);
  if (sv && n > 0 && typeof sv.timeUnit === 'string') {
    // The estimate at the middle of the model's follow-up (a time the reference cohort actually reached).
    const k = Math.floor((n - 1) / 2);
    const s = new SentenceBuilder(holder).text(`Estimated survival by the ${synthetic}model: `).text(round(sv.survival![k]!, 2)).cite(at(`result.survival.survival[${k}]`));
    s.text(` at ${round(sv.times![k]!, 1)} `).cite(at(`result.survival.times[${k}]`)).text(sv.timeUnit).cite(at('result.survival.timeUnit'));
    if (typeof sv.lower?.[k] === 'number' && typeof sv.upper?.[k] === 'number') {
      s.text(` (ensemble min–max band ${round(sv.lower[k]!, 2)} to ${round(sv.upper[k]!, 2)}, uncalibrated)`).cite(at(`result.survival.lower[${k}]`)).cite(at(`result.survival.upper[${k}]`));
    }
    out.push(s);
  }
  for (const [i, similar] of (p.result.similarPatients ?? []).slice(0, 3).entries()) {
    if (typeof similar?.patientKey !== 'string' || typeof similar.distance !== 'number') continue;
    const s = new SentenceBuilder(holder).text(`Similar patient in the ${synthetic}model's reference cohort: ${similar.patientKey}, cosine distance ${round(similar.distance, 3)}`);
    const o = similar.outcome;
    if (o && typeof o.time === 'number') s.text(`, ${o.event ? 'event' : 'censored'} at ${round(o.time, 1)} ${o.timeUnit}`);
    out.push(s.cite(at(`result.similarPatients[${i}]`)));
  }
  for (const limit of modelLimits(p.modelVersion.card)) {
    const s = new SentenceBuilder(holder).text(`Limit of the ${synthetic}model `).add(p.modelVersion.id).text(` (model card): “${limit.text}”`);
    out.push(s.cite({ sourceRecordKey: modelCardRecordKey(p.modelVersion.id), elementPath: 'card', span: limit.span }));
  }
  return out;
}

export interface ComposeOptions {
  /** "Today" for the 90-day imaging rule (tests pass a fixed date). */
  today?: Date;
  /** Report texts, so report findings are quoted as written; without them findings are stated from their values. */
  recordText?: RecordText;
  /** The joint model's latest prediction for the patient (latestPrediction); absent or null: the section says none. */
  prediction?: StoredPrediction | null;
}

/** Composes the case summary of one patient from their facts. */
export function composeCaseSummary(patientKey: string, facts: readonly SummaryFact[], options: ComposeOptions = {}): CaseSummary {
  const own = facts.filter((f) => f.patientKey === patientKey);
  const evidence: Record<string, Evidence> = {};
  const sections = new Map<SummarySectionId, SummarySentence[]>(SUMMARY_SECTIONS.map((s) => [s.id, []]));
  const push = (section: SummarySectionId, builder: SentenceBuilder | undefined, kind: string) => {
    const built = builder?.build();
    if (!built) return;
    const citations = built.cited.map((p) => {
      const e = evidenceFrom(patientKey, p.sourceRecordKey.startsWith(PREDICTION_RECORD_PREFIX) ? 'model-prediction' : p.sourceRecordKey.startsWith(MODEL_CARD_RECORD_PREFIX) ? 'model-card' : kind, p);
      evidence[e.id] = e;
      return e.id;
    });
    sections.get(section)!.push({ section, text: built.text, citations });
  };
  const ordered = [...own].sort((a, b) => (a.effectiveStart ?? '').localeCompare(b.effectiveStart ?? '') || a.id.localeCompare(b.id));
  // Genomics: every protein-changing variant, and the best-ranked knowledge-base evidence (on-label first, then
  // level); the rest is counted in the section's note and listed in full in the genomics view.
  const levelRank = (f: SummaryFact) => `${f.attributes.onLabel ? 0 : 1}${String(f.attributes.level ?? 'Z')}`;
  const kbEvidence = ordered.filter((f) => f.kind === 'actionability-evidence').sort((a, b) => levelRank(a).localeCompare(levelRank(b)));
  const shownEvidence = new Set(kbEvidence.slice(0, MAX_EVIDENCE_SENTENCES));
  const quietVariants = ordered.filter((f) => f.kind === 'somatic-variant' && typeof f.attributes.hgvsp !== 'string');
  const genomicsNote = [
    kbEvidence.length > shownEvidence.size ? `${kbEvidence.length - shownEvidence.size} more knowledge-base evidence item(s)` : '',
    quietVariants.length > 0 ? `${quietVariants.length} variant(s) without a protein change` : '',
  ].filter(Boolean);
  // Treatment: systemic therapy by line (with the response recorded during each line), local treatments on their
  // dates; disease-status observations that fall in a line are stated there, the others under performance.
  const lines = groupTherapyLines(ordered);
  const lineStatus = ordered.filter((f) => f.kind === 'cancer-disease-status' && lines.some((l) => inLineWindow(l, f.effectiveStart)));
  const skipped = new Set<SummaryFact>([...kbEvidence.filter((f) => !shownEvidence.has(f)), ...quietVariants, ...ordered.filter((f) => SYSTEMIC_KINDS.has(f.kind)), ...lineStatus]);
  const treatmentItems: { date: string; builders: SentenceBuilder[]; kind: string }[] = lines.map((line) => ({
    date: line.start.date,
    builders: [therapyLineSentence(line), ...lineResponseSentences(line, ordered)],
    kind: line.start.fact.kind,
  }));
  // A report states a finding in its diagnosis, its synoptic and its comment: say it once (first place cited).
  const seenFindings = new Set<string>();
  for (const f of ordered) {
    if (skipped.has(f)) continue;
    const section = SECTION_OF_KIND[f.kind];
    if (!section) continue;
    if (isTextFinding(f)) {
      const key = `${f.kind}|${findingValueText(f) ?? ''}|${JSON.stringify(f.attributes.context ?? {})}`;
      if (seenFindings.has(key)) continue;
      seenFindings.add(key);
    }
    if (section === 'treatment') treatmentItems.push({ date: f.effectiveStart ?? '', builders: [sentenceFor(f, options.recordText)!], kind: f.kind });
    else push(section, sentenceFor(f, options.recordText), f.kind);
  }
  for (const item of treatmentItems.sort((a, b) => a.date.localeCompare(b.date))) for (const b of item.builders) push('treatment', b, item.kind);
  for (const conflict of stageConflicts(ordered)) push('stage', conflict, 'tnm-stage-group');
  // Imaging trend: RECIST over all dated measurements, baseline = the first date.
  const recist = recistSentences(ordered.filter((f) => f.kind === 'lesion-measurement' && f.effectiveStart), '', false);
  for (const b of recist) push('imaging', b, 'lesion-measurement');
  if (options.prediction && options.prediction.patientKey === patientKey) for (const b of predictionSentences(options.prediction)) push('model', b, 'model-prediction');
  const lineNotes = lines.map((l) => [l, sections.get('treatment')!.some((x) => x.text.startsWith(`During the ${lineName(l.number).toLowerCase()}, `))] as const);
  const notes: Partial<Record<SummarySectionId, string>> = {};
  if (lines.length > 0) {
    const unassessed = lineNotes.filter(([, has]) => !has).map(([l]) => lineName(l.number).toLowerCase());
    notes.treatment = `${LINE_RULE}${unassessed.length ? ` No response is recorded for the ${unassessed.join(', ')}.` : ''}`;
  }
  const datedImaging = new Set(ordered.filter((f) => f.kind === 'lesion-measurement' && f.effectiveStart).map((f) => f.effectiveStart!.slice(0, 10)));
  if (datedImaging.size > 0 && recist.length === 0) notes.imaging = `No RECIST response: it needs a baseline and at least one follow-up with measured diameters; ${datedImaging.size} dated timepoint(s) measured.`;
  else if (recist.length > 0) notes.imaging = 'RECIST v1.1 target-lesion response: targets are the baseline lesions matched by mask label, longest axial diameters; non-target and new lesions, and confirmation, are not assessed.';
  if (options.prediction?.modelVersion.synthetic) notes.model = `The model ${options.prediction.modelVersion.id} was trained on SYNTHETIC data: its risk, survival estimate and similar patients say nothing about real patients.`;
  return {
    patientKey,
    composer: COMPOSER_ID,
    sections: SUMMARY_SECTIONS.map(({ id, title }) => {
      const sentences = sections.get(id)!;
      if (sentences.length === 0) return { id, title, sentences, note: notes[id] ? `${EMPTY_NOTE[id]} ${notes[id]}` : EMPTY_NOTE[id] };
      if (notes[id]) return { id, title, sentences, note: notes[id] };
      if (id === 'genomics' && genomicsNote.length > 0) return { id, title, sentences, note: `Not listed here: ${genomicsNote.join(' and ')} (see the genomics view).` };
      return { id, title, sentences };
    }),
    evidence,
    openQuestions: openQuestions(own, options.today ?? new Date()),
  };
}
