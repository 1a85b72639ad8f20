// A pathology report's texts become store records (kind "report-text", the text verbatim), its findings become
// OncoBoard facts with provenance (record key, element path and the character span), and the report one timeline
// event. A negated finding stays a fact, marked negated, and its value says "absent"/"no" — never the positive value.
import { createHash } from 'node:crypto';
import type { Coding, Fact, FactValue, Provenance, Quantity, TimelineEvent } from '@oncoboard/facts';
import { ConTextAnalyzer } from './context/context-algorithm';
import { currentFindings } from './extract/addenda';
import { extractFindings, type ExtractedReport, type ExtractOptions } from './extract/extract-findings';
import type { Finding, FindingKind, FindingValues } from './extract/finding';
import type { PathologyReportDocument, ReportText } from './report-text';

/** Store record kind of a report's verbatim text. */
export const REPORT_TEXT_RECORD_KIND = 'report-text';

/** Fact kinds shared with the mCODE mapping (libs/ehr-fhir), used where the meaning is the same. */
export const MCODE_KINDS = {
  histology: 'histology-morphology-behavior',
  tnmT: 'tnm-primary-tumor-category',
  tnmN: 'tnm-regional-nodes-category',
  tnmM: 'tnm-distant-metastases-category',
  tumorMarker: 'tumor-marker',
  tumorSize: 'tumor-size',
  genomicVariant: 'genomic-variant',
} as const;

/** Pathology-specific fact kinds (not in mCODE's fact vocabulary). */
export const PATHOLOGY_SPECIMEN_FACT = 'pathology-specimen';
export const PATHOLOGY_PROCEDURE_FACT = 'pathology-procedure';
export const TUMOR_SITE_FACT = 'tumor-site';
export const TUMOR_LATERALITY_FACT = 'tumor-laterality';
export const HISTOLOGIC_GRADE_FACT = 'histologic-grade';
export const SURGICAL_MARGIN_FACT = 'surgical-margin';
export const LYMPHOVASCULAR_INVASION_FACT = 'lymphovascular-invasion';
export const PERINEURAL_INVASION_FACT = 'perineural-invasion';
export const REGIONAL_LYMPH_NODES_FACT = 'regional-lymph-nodes';
export const STAGING_EDITION_FACT = 'staging-edition';

export const PATHOLOGY_FACT_KINDS = [
  PATHOLOGY_SPECIMEN_FACT, PATHOLOGY_PROCEDURE_FACT, TUMOR_SITE_FACT, TUMOR_LATERALITY_FACT, HISTOLOGIC_GRADE_FACT,
  SURGICAL_MARGIN_FACT, LYMPHOVASCULAR_INVASION_FACT, PERINEURAL_INVASION_FACT, REGIONAL_LYMPH_NODES_FACT,
  STAGING_EDITION_FACT,
] as const;

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const ICD_O_3 = 'http://terminology.hl7.org/CodeSystem/icd-o-3';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const PRESENT: Coding = { system: LOINC, code: 'LA9633-4', display: 'Present' };
const ABSENT: Coding = { system: LOINC, code: 'LA9634-2', display: 'Absent' };
const LATERALITY: Record<string, Coding> = {
  left: { system: SNOMED, code: '7771000', display: 'Left' },
  right: { system: SNOMED, code: '24028007', display: 'Right' },
  bilateral: { system: SNOMED, code: '51440002', display: 'Bilateral' },
};
const TNM_CODE: Record<string, Coding> = {
  'p|T': { system: LOINC, code: '21899-0', display: 'Primary tumor.pathology Cancer' },
  'p|N': { system: LOINC, code: '21900-6', display: 'Regional lymph nodes.pathology' },
  'p|M': { system: LOINC, code: '21901-4', display: 'Distant metastases.pathology' },
  'c|T': { system: LOINC, code: '21905-5', display: 'Primary tumor.clinical Cancer' },
  'c|N': { system: LOINC, code: '21906-3', display: 'Regional lymph nodes.clinical' },
  'c|M': { system: LOINC, code: '21907-1', display: 'Distant metastases.clinical' },
};
/** Tumor-marker codes, as in libs/ehr-fhir's TUMOR_MARKER_LOINC. */
const MARKER_CODE: Record<string, Coding> = {
  ER: { system: LOINC, code: '16112-5', display: 'Estrogen receptor' },
  PR: { system: LOINC, code: '16113-3', display: 'Progesterone receptor' },
  'HER2 IHC': { system: LOINC, code: '85319-2', display: 'HER2 [Presence] in Breast cancer specimen by Immune stain' },
  'HER2 ISH': { system: LOINC, code: '85318-4', display: 'HER2 [Presence] in Breast cancer specimen by FISH' },
  'Ki-67': { system: LOINC, code: '85330-9', display: 'Ki-67' },
  MSI: { system: LOINC, code: '81695-9', display: 'Microsatellite instability' },
};

export interface PathologyReportImportOptions {
  /** "Patient/<id>": required when the document does not name its patient (plain files). */
  patientKey?: string;
  /**
   * Which texts findings are extracted from: "primary" (default) — the first text/plain presentedForm, else the
   * first PDF, else HTML, else the conclusion (the other texts are kept as records, without facts: they are usually
   * the same report in another form); "all" — every text.
   */
  extractFrom?: 'primary' | 'all';
  extract?: ExtractOptions;
}

/** A store record (structurally the store's RecordWrite) holding one report text verbatim, with its facts and events. */
export interface ReportTextRecord {
  key: string;
  kind: typeof REPORT_TEXT_RECORD_KIND;
  resourceType: string;
  resourceId: string;
  patientKey: string;
  content: string;
  contentBytes?: Uint8Array;
  contentHash: string;
  origin: string;
  originLocation: string;
  facts: Fact[];
  events: TimelineEvent[];
}

export interface PathologyReportImport {
  records: ReportTextRecord[];
  /** Per record with extraction: the findings (spans index into that record's content). */
  extracted: { recordKey: string; elementPath: string; report: ExtractedReport }[];
}

export class PathologyFactsError extends Error {
  override name = 'PathologyFactsError';
}

const PATIENT_KEY = /^Patient\/[A-Za-z0-9\-.]{1,64}$/;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Store key of one report text: "pathology/DiagnosticReport/<id>/presentedForm[0]", or by content hash for a file. */
export function reportTextKey(document: PathologyReportDocument, text: ReportText): string {
  if (document.resourceType === 'DiagnosticReport' && document.id) return `pathology/DiagnosticReport/${document.id}/${text.elementPath.replace(/^DiagnosticReport\./, '')}`;
  return `pathology/text/${text.sha256.slice(0, 24)}`;
}

function primaryText(texts: readonly ReportText[]): ReportText | undefined {
  const forms = texts.filter((t) => t.elementPath !== 'DiagnosticReport.conclusion');
  return forms.find((t) => t.contentType === 'text/plain') ?? forms.find((t) => t.contentType === 'application/pdf') ?? forms.find((t) => t.contentType === 'text/html') ?? texts[0];
}

/**
 * Records, facts and the timeline event of one pathology report. Same document in, same records out (keys and
 * content hashes are stable), so re-importing changes nothing.
 */
export function pathologyReportRecords(document: PathologyReportDocument, options: PathologyReportImportOptions = {}): PathologyReportImport {
  const patientKey = options.patientKey ?? document.patientKey;
  if (!patientKey || !PATIENT_KEY.test(patientKey)) {
    throw new PathologyFactsError(`${document.source}: patientKey: expected "Patient/<id>" (from DiagnosticReport.subject or the options), found ${patientKey ? `"${patientKey.slice(0, 80)}"` : 'nothing'}`);
  }
  const analyzer = options.extract?.analyzer ?? new ConTextAnalyzer();
  const primary = primaryText(document.texts);
  const records: ReportTextRecord[] = [];
  const extracted: PathologyReportImport['extracted'] = [];
  for (const [n, text] of document.texts.entries()) {
    const key = reportTextKey(document, text);
    const facts: Fact[] = [];
    if (options.extractFrom === 'all' || text === primary) {
      const report = extractFindings(text.text, { analyzer });
      extracted.push({ recordKey: key, elementPath: text.elementPath, report });
      for (const finding of report.findings) facts.push(findingToFact(finding, { patientKey, sourceRecordKey: key, elementPath: text.elementPath || 'text', document }));
    }
    const events = text === primary ? [reportTimelineEvent(document, patientKey, key, text, extracted.find((e) => e.recordKey === key)?.report)] : [];
    records.push({
      key,
      kind: REPORT_TEXT_RECORD_KIND,
      resourceType: 'PathologyReportText',
      resourceId: key.replace(/^pathology\//, ''),
      patientKey,
      content: text.text,
      ...(text.sourceBytes ? { contentBytes: text.sourceBytes } : {}),
      contentHash: sha256(text.text),
      origin: document.file ?? document.source,
      originLocation: text.elementPath || `text ${n}`,
      facts,
      events,
    });
  }
  return { records, extracted };
}

export interface FactSource {
  patientKey: string;
  sourceRecordKey: string;
  elementPath: string;
  document?: Pick<PathologyReportDocument, 'date' | 'status' | 'source' | 'resourceType' | 'id'>;
}

/** One finding as a Fact. The provenance holds the record, the element and the character span of the finding. */
export function findingToFact(finding: Finding, source: FactSource): Fact {
  const { kind, code, value, attributes } = factParts(finding);
  const { context } = finding;
  const assertion = context.negated ? 'negated' : context.hypothetical ? 'hypothetical' : context.experiencer === 'other' ? 'other-experiencer' : context.uncertain ? 'uncertain' : context.historical ? 'historical' : 'affirmed';
  // Never let a negated, hypothetical or someone else's finding carry its stated value as the fact's value.
  const explicitAbsence = value?.type === 'coding' && value.coding.code === ABSENT.code;
  let factValue: FactValue | undefined = value;
  if (context.negated && !explicitAbsence) factValue = { type: 'boolean', value: false };
  else if (!context.negated && (context.hypothetical || context.experiencer === 'other')) factValue = undefined;
  const provenance: Provenance[] = [{ sourceRecordKey: source.sourceRecordKey, elementPath: source.elementPath, span: { start: finding.span.start, end: finding.span.end } }];
  if (source.document?.resourceType === 'DiagnosticReport' && source.document.id) {
    provenance.push({ sourceRecordKey: `fhir/DiagnosticReport/${source.document.id}`, elementPath: source.elementPath });
  }
  return {
    kind,
    patientKey: source.patientKey,
    ...(code ? { code } : {}),
    ...(factValue ? { value: factValue } : {}),
    ...(source.document?.date ? { effectiveStart: source.document.date } : {}),
    ...(finding.supersededBy !== undefined ? { status: 'superseded' } : source.document?.status ? { status: source.document.status } : {}),
    attributes: {
      ...attributes,
      finding: { id: finding.id, kind: finding.kind, key: finding.key, section: finding.section, source: finding.source, ...(finding.addendum !== undefined ? { addendum: finding.addendum } : {}) },
      assertion,
      context: { ...context },
      ...(factValue !== value && value ? { statedValue: value } : {}),
      ...(finding.supersededBy !== undefined ? { supersededByFinding: finding.supersededBy } : {}),
      ...(finding.supersedes ? { supersedesFindings: finding.supersedes } : {}),
    },
    provenance,
  };
}

const pct = (percent: number, comparator?: Quantity['comparator']): Quantity => ({ value: percent, unit: '%', system: UCUM, code: '%', ...(comparator ? { comparator } : {}) });
const mm = (value: number): Quantity => ({ value, unit: 'mm', system: UCUM, code: 'mm' });
const interpretation = (result: string | undefined): Coding | undefined =>
  result === 'positive' || result === 'amplified' || result === 'low-positive'
    ? { system: INTERPRETATION, code: 'POS', display: 'Positive' }
    : result === 'negative' || result === 'not-amplified'
      ? { system: INTERPRETATION, code: 'NEG', display: 'Negative' }
      : result === 'equivocal'
        ? { system: INTERPRETATION, code: 'IND', display: 'Indeterminate' }
        : undefined;

function factParts(finding: Finding): { kind: string; code?: Coding; value?: FactValue; attributes: Record<string, unknown> } {
  switch (finding.kind) {
    case 'specimen':
      return { kind: PATHOLOGY_SPECIMEN_FACT, value: { type: 'string', value: finding.value.description }, attributes: {} };
    case 'procedure':
      return { kind: PATHOLOGY_PROCEDURE_FACT, value: { type: 'string', value: finding.value.procedure }, attributes: {} };
    case 'primary-site':
      return { kind: TUMOR_SITE_FACT, value: { type: 'string', value: finding.value.site }, attributes: {} };
    case 'laterality': {
      const coding = LATERALITY[finding.value.laterality] as Coding;
      return { kind: TUMOR_LATERALITY_FACT, value: { type: 'coding', coding, text: finding.value.laterality }, attributes: {} };
    }
    case 'histologic-type': {
      const h = finding.value;
      return {
        kind: MCODE_KINDS.histology,
        ...(h.icdO3 ? { code: { system: LOINC, code: '59847-4', display: 'Histology and Behavior ICD-O-3 Cancer' } } : {}),
        value: { type: 'coding', coding: h.icdO3 ? { system: ICD_O_3, code: h.icdO3, display: h.name } : { display: h.name }, text: h.name },
        attributes: { name: h.name, ...(h.behavior ? { behavior: h.behavior } : {}), ...(h.metastatic ? { metastatic: true } : {}) },
      };
    }
    case 'grade': {
      const g = finding.value;
      const value: FactValue =
        g.gradeGroup !== undefined
          ? { type: 'string', value: `Grade Group ${g.gradeGroup}` }
          : g.grade !== undefined
            ? { type: 'integer', value: g.grade }
            : g.twoTier
              ? { type: 'string', value: `${g.twoTier} grade` }
              : { type: 'string', value: `${g.differentiation} differentiated` };
      return { kind: HISTOLOGIC_GRADE_FACT, value, attributes: { ...g } };
    }
    case 'tumor-size': {
      const s = finding.value;
      return {
        kind: MCODE_KINDS.tumorSize,
        code: { system: LOINC, code: '21889-1', display: 'Size Tumor' },
        value: { type: 'quantity', quantity: mm(s.greatestDimensionMm) },
        attributes: { longestDimension: mm(s.greatestDimensionMm), otherDimensions: s.dimensionsMm.slice(1).map(mm), statedUnit: s.unit },
      };
    }
    case 'margin': {
      const m = finding.value;
      const value: FactValue = m.status
        ? { type: 'string', value: m.status }
        : m.closestDistanceMm !== undefined
          ? { type: 'quantity', quantity: { ...mm(m.closestDistanceMm), ...(m.closestDistanceComparator ? { comparator: m.closestDistanceComparator } : {}) } }
          : m.distanceMm !== undefined
            ? { type: 'quantity', quantity: mm(m.distanceMm) }
            : { type: 'string', value: m.closestMargin ?? '' };
      return { kind: SURGICAL_MARGIN_FACT, value, attributes: { ...m, ...(m.closestDistanceMm !== undefined ? { closestDistance: mm(m.closestDistanceMm) } : {}), ...(m.distanceMm !== undefined ? { distance: mm(m.distanceMm) } : {}) } };
    }
    case 'lymphovascular-invasion':
    case 'perineural-invasion': {
      const status = finding.value.status;
      return {
        kind: finding.kind === 'lymphovascular-invasion' ? LYMPHOVASCULAR_INVASION_FACT : PERINEURAL_INVASION_FACT,
        value: status === 'indeterminate' ? { type: 'string', value: 'indeterminate' } : { type: 'coding', coding: status === 'absent' ? ABSENT : PRESENT, text: status },
        attributes: { status },
      };
    }
    case 'lymph-nodes': {
      const n = finding.value;
      const value: FactValue =
        n.positive !== undefined && n.examined !== undefined
          ? { type: 'ratio', numerator: { value: n.positive, unit: 'positive' }, denominator: { value: n.examined, unit: 'examined' } }
          : { type: 'integer', value: (n.positive ?? n.examined) as number };
      return { kind: REGIONAL_LYMPH_NODES_FACT, value, attributes: { ...n, counted: n.positive !== undefined && n.examined !== undefined ? 'positive/examined' : n.positive !== undefined ? 'positive' : 'examined' } };
    }
    case 'ajcc-edition':
      return { kind: STAGING_EDITION_FACT, value: { type: 'integer', value: finding.value.edition }, attributes: { stagingSystem: `AJCC ${finding.value.edition}th` } };
    case 'tnm': {
      const t = finding.value;
      const stageType = t.prefix.includes('p') ? 'pathological' : t.prefix.includes('c') ? 'clinical' : undefined;
      const code = TNM_CODE[`${stageType === 'pathological' ? 'p' : 'c'}|${t.category}`];
      return {
        kind: t.category === 'T' ? MCODE_KINDS.tnmT : t.category === 'N' ? MCODE_KINDS.tnmN : MCODE_KINDS.tnmM,
        ...(stageType && code ? { code } : {}),
        value: { type: 'coding', coding: { display: t.stated }, text: t.stated },
        attributes: { ...(stageType ? { stageType } : {}), prefix: t.prefix, category: t.code, ...(t.edition ? { stagingSystem: `AJCC ${t.edition}th`, edition: t.edition } : {}) },
      };
    }
    case 'er':
    case 'pr': {
      const r = finding.value;
      const marker = finding.kind === 'er' ? 'ER' : 'PR';
      const interp = interpretation(r.result);
      return {
        kind: MCODE_KINDS.tumorMarker,
        code: MARKER_CODE[marker] as Coding,
        value: r.percent !== undefined ? { type: 'quantity', quantity: pct(r.percent, r.comparator) } : { type: 'string', value: r.result ?? '' },
        attributes: { marker, ...(interp ? { interpretation: interp } : {}), ...r },
      };
    }
    case 'her2': {
      const h = finding.value;
      const interp = interpretation(h.result);
      const value: FactValue =
        h.score !== undefined
          ? { type: 'string', value: h.score }
          : h.result !== undefined
            ? { type: 'string', value: h.result }
            : h.ratio !== undefined
              ? { type: 'quantity', quantity: { value: h.ratio, unit: 'HER2/CEP17 ratio' } }
              : { type: 'quantity', quantity: { value: h.copyNumber as number, unit: 'signals/cell' } };
      const code = MARKER_CODE[`HER2 ${h.method}`];
      return { kind: MCODE_KINDS.tumorMarker, ...(code ? { code } : {}), value, attributes: { marker: 'HER2', ...(interp ? { interpretation: interp } : {}), ...h } };
    }
    case 'ki67':
      return { kind: MCODE_KINDS.tumorMarker, code: MARKER_CODE['Ki-67'] as Coding, value: { type: 'quantity', quantity: pct(finding.value.percent, finding.value.comparator) }, attributes: { marker: 'Ki-67', ...finding.value } };
    case 'mmr':
      return { kind: MCODE_KINDS.tumorMarker, value: { type: 'string', value: finding.value.status }, attributes: { marker: finding.value.protein === 'overall' ? 'MMR' : finding.value.protein, ...finding.value } };
    case 'msi':
      return { kind: MCODE_KINDS.tumorMarker, code: MARKER_CODE.MSI as Coding, value: { type: 'string', value: finding.value.status }, attributes: { marker: 'MSI', ...finding.value } };
    case 'pd-l1': {
      const p = finding.value;
      const value: FactValue = p.tps !== undefined ? { type: 'quantity', quantity: pct(p.tps, p.comparator) } : { type: 'quantity', quantity: { value: p.cps as number, unit: 'CPS', ...(p.comparator ? { comparator: p.comparator } : {}) } };
      return { kind: MCODE_KINDS.tumorMarker, value, attributes: { marker: 'PD-L1', scoring: p.tps !== undefined ? 'TPS' : 'CPS', ...p } };
    }
    case 'gene-alteration': {
      const g = finding.value;
      return {
        kind: MCODE_KINDS.genomicVariant,
        code: { system: LOINC, code: '69548-6', display: 'Genetic variant assessment' },
        ...(g.detected === null ? {} : { value: { type: 'coding', coding: g.detected ? PRESENT : ABSENT, text: g.detected ? 'detected' : 'not detected' } as FactValue }),
        attributes: {
          geneStudied: g.gene,
          genes: [{ system: 'http://www.genenames.org/geneId', display: g.gene }],
          ...(g.alteration ? { alteration: g.alteration } : {}),
          ...(g.proteinChange ? { aminoAcidChange: g.proteinChange } : {}),
          ...(g.cdnaChange ? { dnaChange: g.cdnaChange } : {}),
          ...(g.exon !== undefined ? { exon: g.exon } : {}),
          ...(g.vafPercent !== undefined ? { allelicFrequency: pct(g.vafPercent) } : {}),
          detected: g.detected,
        },
      };
    }
  }
  throw new PathologyFactsError(`finding kind: expected one of the known kinds, found "${(finding as { kind: string }).kind}"`);
}

/** The report's event on the care-coordinator timeline ("report" lane), titled with its main diagnosis. */
export function reportTimelineEvent(document: PathologyReportDocument, patientKey: string, recordKey: string, text: ReportText, report?: ExtractedReport): TimelineEvent {
  const standing = report ? currentFindings(report.findings).filter((f) => !f.context.negated && !f.context.hypothetical && !f.context.historical && f.context.experiencer === 'patient' && !f.context.uncertain) : [];
  const histology = standing.find((f): f is Finding<'histologic-type'> => f.kind === 'histologic-type' && !f.value.metastatic && f.value.name !== 'carcinoma');
  const markers = summarizeMarkers(standing);
  const amended = report?.sections.some((s) => s.kind === 'addendum');
  return {
    patientKey,
    category: 'report',
    ...(document.date ? { start: document.date } : {}),
    title: `Pathology report${histology ? ` · ${histology.value.name}` : ''}${amended ? ' (with addendum)' : ''}`,
    ...(markers ? { detail: markers } : {}),
    provenance: { sourceRecordKey: recordKey, elementPath: text.elementPath || 'text' },
  };
}

function lastOf<K extends FindingKind>(findings: readonly Finding[], kind: K, pred: (v: FindingValues[K]) => boolean = () => true): FindingValues[K] | undefined {
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i] as Finding;
    if (f.kind === kind && pred(f.value as FindingValues[K])) return f.value as FindingValues[K];
  }
  return undefined;
}

function summarizeMarkers(findings: readonly Finding[]): string {
  const parts: string[] = [];
  const receptor = (name: string, r: FindingValues['er'] | undefined) => {
    if (r?.result) parts.push(`${name} ${r.result}${r.percent !== undefined ? ` ${r.comparator ?? ''}${r.percent}%` : ''}`);
  };
  receptor('ER', lastOf(findings, 'er'));
  receptor('PR', lastOf(findings, 'pr'));
  const ihc = lastOf(findings, 'her2', (v) => v.method === 'IHC' && v.score !== undefined);
  if (ihc) parts.push(`HER2 IHC ${ihc.score}`);
  const ish = lastOf(findings, 'her2', (v) => v.method === 'ISH' && (v.result === 'amplified' || v.result === 'not-amplified'));
  if (ish) parts.push(`HER2 ISH ${ish.result}`);
  const ki = lastOf(findings, 'ki67');
  if (ki) parts.push(`Ki-67 ${ki.percent}%`);
  const msi = lastOf(findings, 'msi');
  if (msi) parts.push(msi.status);
  const pdl1 = lastOf(findings, 'pd-l1');
  if (pdl1) parts.push(pdl1.tps !== undefined ? `PD-L1 TPS ${pdl1.tps}%` : `PD-L1 CPS ${pdl1.cps}`);
  for (const g of findings) if (g.kind === 'gene-alteration' && g.value.detected === true) parts.push(`${g.value.gene} ${g.value.alteration ?? ''}`.trim());
  const t = lastOf(findings, 'tnm', (v) => v.category === 'T');
  const n = lastOf(findings, 'tnm', (v) => v.category === 'N');
  if (t || n) parts.unshift([t?.stated, n?.stated].filter(Boolean).join(' '));
  return parts.join('; ');
}
