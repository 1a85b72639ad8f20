// The adapter from extractor findings to the label schema of the evaluation set (fixtures/eval/README.md): one
// explicit rule per finding kind, nothing inferred from the eval texts. A finding may give 0, 1 or 2 predictions
// (a "2 of 15 lymph nodes" finding gives nodes_positive and nodes_examined on the same span).
import type { Finding } from '../extract/finding';
import { FUSION_GENES } from '../extract/gene-alteration-findings';
import type { Span } from '../span';

export const EVAL_FIELDS = [
  'specimen', 'procedure', 'primary_site', 'laterality', 'histologic_type', 'icdo3_morphology', 'grade', 'tumor_size',
  'margin_status', 'margin_distance', 'lymphovascular_invasion', 'perineural_invasion', 'nodes_examined', 'nodes_positive',
  'pT', 'pN', 'pM', 'ajcc_edition', 'er', 'pr', 'her2_ihc', 'her2_ish', 'ki67', 'mmr', 'msi', 'pdl1_tps', 'pdl1_cps',
  'gene_alteration',
] as const;
export type EvalField = (typeof EVAL_FIELDS)[number];

export interface LabelContext {
  negated: boolean;
  uncertain: boolean;
  historical: boolean;
  hypothetical: boolean;
  experiencer: 'patient' | 'other';
  superseded: boolean;
}
export const CONTEXT_KEYS = ['negated', 'uncertain', 'historical', 'hypothetical', 'experiencer', 'superseded'] as const;

export type LabelValue = string | number | Record<string, string | number>;

/** A gold label (as in fixtures/eval/labels/<id>.json) or a prediction in the same shape. */
export interface EvalLabel {
  field: EvalField;
  value: LabelValue;
  start: number;
  end: number;
  context: LabelContext;
  /** The finding a prediction came from (its id in the report). */
  findingId?: number;
}

const INTENSITY: Record<string, string> = { weak: 'weak', moderate: 'moderate', strong: 'strong', 'weak-to-moderate': 'weak to moderate', 'moderate-to-strong': 'moderate to strong', 'weak-to-strong': 'weak to strong' };

/** ASCO/CAP 2020 categories of a percentage: <1% negative; ER 1-10% low positive (a category ER only has); else positive. */
function receptorStatus(kind: 'er' | 'pr', percent: number | undefined, comparator: string | undefined): string | undefined {
  if (percent === undefined) return undefined;
  if (percent < 1 || (comparator === '<' && percent <= 1)) return 'negative';
  return kind === 'er' && percent <= 10 ? 'low positive' : 'positive';
}

function receptor(kind: 'er' | 'pr', v: Finding<'er'>['value']): Record<string, string | number> | undefined {
  const out: Record<string, string | number> = {};
  const status = v.result === 'low-positive' ? 'low positive' : v.result === 'pending' ? undefined : (v.result ?? receptorStatus(kind, v.percent, v.comparator));
  if (status) out.status = status;
  if (v.percent !== undefined) out.percent = v.comparator === '<' && v.percent <= 1 ? 0 : v.percent;
  if (v.intensity) out.intensity = INTENSITY[v.intensity] ?? v.intensity;
  if (v.allred !== undefined) out.allred = v.allred;
  return Object.keys(out).length ? out : undefined;
}

function gradeLabel(v: Finding<'grade'>['value']): string | undefined {
  if (v.gradeGroup !== undefined) return `GG${v.gradeGroup}`;
  // the guideline: a stated G / Nottingham / FIGO number wins; else the two-tier term the report uses wins over
  // differentiation ("well to moderately differentiated (low grade)" → low)
  if (v.twoTier && !(v.grade !== undefined && v.system !== undefined)) return v.twoTier;
  return v.grade !== undefined ? `G${v.grade}` : undefined;
}

/** Hereditary-predisposition genes: a result that names no specific change is a pathogenic variant (rule C5). */
const HEREDITARY_GENES: ReadonlySet<string> = new Set(['BRCA', 'BRCA1', 'BRCA2', 'ATM', 'CHEK2', 'PALB2', 'HOXB13', 'NF1', 'CDH1', 'MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM']);
/** Results that name no specific change: "alteration", "germline variant", "pathogenic variant", a tested exon's "exon 2 mutation". */
const NO_SPECIFIC_CHANGE = /^(?:(?:germline |somatic )?(?:alteration|variant|mutation)|(?:likely )?pathogenic variant|exons? \d{1,2} (?:alteration|variant|mutation))$/;

/**
 * The guideline's alteration vocabulary (rule C5): fusions and translocations (with or without a partner) are
 * "rearrangement"; a result that names no specific change is a fusion gene's rearrangement, a germline result's or
 * a hereditary-predisposition gene's pathogenic variant, any other gene's mutation ("alteration" is never a value,
 * nor is a tested exon).
 */
function alterationLabel(gene: string, alteration: string | undefined): string {
  if (alteration !== undefined && /\b(?:fusion|translocation)$/.test(alteration)) return 'rearrangement';
  if (alteration !== undefined && !NO_SPECIFIC_CHANGE.test(alteration)) return alteration;
  if (FUSION_GENES.has(gene)) return 'rearrangement';
  return HEREDITARY_GENES.has(gene) || /^germline\b/.test(alteration ?? '') ? 'pathogenic variant' : 'mutation';
}

/** The label-schema predictions of one finding. */
export function predictionsOfFinding(f: Finding): EvalLabel[] {
  const context: LabelContext = { ...f.context, superseded: f.supersededBy !== undefined };
  const out: EvalLabel[] = [];
  const add = (field: EvalField, value: LabelValue | undefined, span: Span = f.span) => {
    if (value !== undefined) out.push({ field, value, start: span.start, end: span.end, context, findingId: f.id });
  };
  switch (f.kind) {
    case 'specimen':
      add('specimen', f.value.description.toLowerCase());
      break;
    case 'procedure':
      add('procedure', f.value.procedure.toLowerCase());
      break;
    case 'primary-site':
      add('primary_site', f.value.organ);
      break;
    case 'laterality':
      add('laterality', f.value.laterality);
      break;
    case 'histologic-type':
      add('histologic_type', f.value.name);
      if (f.value.icdO3) add('icdo3_morphology', f.value.icdO3);
      break;
    case 'grade':
      add('grade', gradeLabel(f.value));
      break;
    case 'tumor-size':
      add('tumor_size', f.value.greatestDimensionMm);
      break;
    case 'margin': {
      const v = f.value;
      if (v.status) add('margin_status', v.status === 'positive' ? 'involved' : v.status);
      // the guideline leaves a lower bound ("other margins > 10 mm") unlabeled: it states no distance
      if (v.closestDistanceComparator !== '>' && v.closestDistanceComparator !== '>=') add('margin_distance', v.closestDistanceMm ?? v.distanceMm);
      break;
    }
    case 'lymphovascular-invasion':
    case 'perineural-invasion':
      // The set's convention: absence is "present" + negated; an indeterminate statement gives no label.
      if (f.value.status !== 'indeterminate') add(f.kind === 'lymphovascular-invasion' ? 'lymphovascular_invasion' : 'perineural_invasion', 'present');
      break;
    case 'lymph-nodes':
      add('nodes_positive', f.value.positive);
      add('nodes_examined', f.value.examined);
      break;
    case 'tnm':
      // the fields hold the pathologic classification: a clinical category ("cT3b N1", prefix c) is no label (C8)
      if (!f.value.prefix.endsWith('c')) add(`p${f.value.category}` as EvalField, `${f.value.prefix}${f.value.code}`);
      break;
    case 'ajcc-edition':
      add('ajcc_edition', f.value.edition);
      break;
    case 'er':
    case 'pr':
      add(f.kind, receptor(f.kind, f.value));
      break;
    case 'her2': {
      const v = f.value;
      if (v.method !== 'ISH' && v.score) add('her2_ihc', v.score);
      else if (v.method !== 'ISH' && v.result === 'equivocal') add('her2_ihc', '2+');
      if (v.method === 'ISH' && (v.result === 'amplified' || v.result === 'not-amplified' || v.result === 'equivocal')) {
        add('her2_ish', { result: v.result === 'not-amplified' ? 'not amplified' : v.result, ...(v.ratio !== undefined ? { ratio: v.ratio } : {}) });
      }
      break;
    }
    case 'ki67':
      add('ki67', f.value.percent);
      break;
    case 'mmr':
      if (f.value.protein !== 'overall') add('mmr', { protein: f.value.protein, status: f.value.status === 'intact' || f.value.status === 'proficient' ? 'intact' : 'lost' });
      break;
    case 'msi':
      add('msi', f.value.status);
      break;
    case 'pd-l1': {
      const zeroIfBelowOne = (n: number) => (f.value.comparator === '<' && n <= 1 ? 0 : n);
      if (f.value.tps !== undefined) add('pdl1_tps', zeroIfBelowOne(f.value.tps));
      if (f.value.cps !== undefined) add('pdl1_cps', zeroIfBelowOne(f.value.cps));
      break;
    }
    case 'gene-alteration':
      add('gene_alteration', { gene: f.value.gene, alteration: alterationLabel(f.value.gene, f.value.alteration) });
      break;
  }
  return out;
}

/**
 * The label-schema predictions of a report. Two conventions of the set are applied here, not in the extractor:
 * an in-situ component that accompanies an invasive carcinoma (the report also states an invasive type of the
 * patient's current tumour) is not a histologic_type label; `specimen` names only the current specimen (not a past
 * one, nor someone else's), and `procedure` the patient's procedures: this specimen's, and (historical) the named
 * procedures of earlier tumour episodes (the guideline's rule C4), not a relative's, nor a recommended, conditional
 * or denied one.
 */
export function predictionsOf(findings: readonly Finding[]): EvalLabel[] {
  const current = (f: Finding) => !f.context.negated && !f.context.historical && !f.context.hypothetical && f.context.experiencer === 'patient';
  // (an invasive tumour named only in the clinical history — the biopsy before a re-excision — does not make the
  // specimen's residual in-situ disease a component of it)
  const invasive = findings.some((f) => f.kind === 'histologic-type' && current(f) && f.section !== 'clinical-history' && !/in situ/.test(f.value.name) && f.value.behavior !== 'in situ' && !f.value.metastatic);
  return findings
    // (also a denied one: "No ductal carcinoma in situ is seen" beside an invasive carcinoma is not a type label)
    .filter((f) => !(invasive && f.kind === 'histologic-type' && (current(f) || f.context.negated) && !f.context.historical && f.value.behavior === 'in situ'))
    .filter((f) => !((f.kind === 'procedure' || f.kind === 'specimen') && f.context.experiencer === 'other'))
    .filter((f) => !(f.kind === 'specimen' && f.context.historical))
    // (a recommended, conditional or denied procedure has not been done: "If a radical prostatectomy is performed")
    .filter((f) => !(f.kind === 'procedure' && (f.context.hypothetical || f.context.negated)))
    .flatMap(predictionsOfFinding);
}
