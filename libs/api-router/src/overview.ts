import { formatFactValue, type Coding, type Provenance } from '@oncoboard/facts';
import { linkStagingFacts, type McodeFact } from '@oncoboard/ehr-fhir';
import type { StoredFact } from '@oncoboard/store';
import type {
  BiomarkerSummary,
  CancerConditionSummary,
  Citation,
  CitedValue,
  PatientOverview,
  StageSummary,
  TreatmentSummary,
} from './contract';

type Attributes = Record<string, unknown>;

function citationOf(fact: StoredFact, attribute?: string): Citation {
  // mCODE facts record the element each attribute came from (attributes.elementPaths); cite that element when
  // showing an attribute, else the element of the fact's main value.
  const provenance: Provenance[] = fact.provenance;
  const main = provenance[0];
  const sourceRecordKey = main?.sourceRecordKey ?? fact.sourceRecordKey;
  const paths = (fact.attributes as { elementPaths?: Record<string, string> }).elementPaths;
  const attributePath = attribute ? paths?.[attribute] : undefined;
  return { sourceRecordKey, elementPath: attributePath ?? main?.elementPath ?? '' };
}

function codingText(c: Coding | undefined): string | undefined {
  return c ? (c.display ?? c.code) : undefined;
}

function asCoding(value: unknown): Coding | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Coding & { coding?: Coding[]; text?: string };
  if (Array.isArray(v.coding)) return v.coding[0] ? { ...v.coding[0], display: v.coding[0].display ?? v.text } : undefined;
  if ('code' in v || 'display' in v) return v;
  return undefined;
}

function citedCoding(fact: StoredFact, value: unknown, attribute: string): CitedValue | undefined {
  const list = Array.isArray(value) ? value : [value];
  const codings = list.map(asCoding).filter((c): c is Coding => !!c);
  if (codings.length === 0) return undefined;
  const text = codings.map((c) => codingText(c)).filter(Boolean).join(', ');
  if (!text) return undefined;
  return { text, coding: codings[0], citation: citationOf(fact, attribute) };
}

function citedValue(fact: StoredFact): CitedValue {
  const text = formatFactValue(fact.value) || codingText(fact.code) || fact.kind;
  const coding = fact.value?.type === 'coding' ? fact.value.coding : undefined;
  return { text, coding, citation: citationOf(fact, 'value') };
}

function citedCode(fact: StoredFact): CitedValue {
  return { text: codingText(fact.code) ?? formatFactValue(fact.value) ?? fact.kind, coding: fact.code, citation: citationOf(fact, 'code') };
}

function str(a: Attributes, name: string): string | undefined {
  const v = a[name];
  if (typeof v === 'string') return v;
  const c = asCoding(v);
  return c ? codingText(c) : undefined;
}

const byDateDesc = (a: { date?: string }, b: { date?: string }) => (b.date ?? '').localeCompare(a.date ?? '');

const STAGE_PART = {
  'tnm-stage-group': 'group',
  'tnm-primary-tumor-category': 't',
  'tnm-regional-nodes-category': 'n',
  'tnm-distant-metastases-category': 'm',
} as const;

/**
 * Groups T, N, M and stage group observations of one staging event: a category goes with the stage group that
 * lists it (hasMember) or that it was linked to, else with those of the same condition, stage type and date.
 */
function buildStages(facts: StoredFact[]): Map<string, StageSummary[]> {
  const groupOfMember = new Map<string, string>();
  for (const fact of facts) {
    if (fact.kind !== 'tnm-stage-group') continue;
    const a = fact.attributes as Attributes;
    const groupRef = str(a, 'observationRef');
    const members = Array.isArray(a.memberRefs) ? (a.memberRefs as unknown[]) : [];
    if (groupRef) for (const member of members) if (typeof member === 'string') groupOfMember.set(member, groupRef);
  }
  const groups = new Map<string, { focus: string; stage: StageSummary }>();
  for (const fact of facts) {
    const part = STAGE_PART[fact.kind as keyof typeof STAGE_PART];
    if (!part) continue;
    const a = fact.attributes as Attributes;
    const stageTypeRaw = str(a, 'stageType');
    const stageType = stageTypeRaw === 'clinical' || stageTypeRaw === 'pathological' ? stageTypeRaw : 'unspecified';
    const focus = str(a, 'focusConditionRef') ?? '';
    const date = fact.effectiveStart?.slice(0, 10);
    const observationRef = str(a, 'observationRef');
    const groupRef = part === 'group' ? observationRef : ((observationRef && groupOfMember.get(observationRef)) ?? str(a, 'focusInferredFrom'));
    const groupKey = groupRef ? `group|${groupRef}` : `${focus}|${stageType}|${date ?? ''}`;
    let entry = groups.get(groupKey);
    if (!entry) {
      entry = { focus, stage: { stageType, date } };
      groups.set(groupKey, entry);
    }
    if (part === 'group') {
      // The stage group's own date and type describe the event.
      entry.stage.date = date ?? entry.stage.date;
      if (stageType !== 'unspecified') entry.stage.stageType = stageType;
    }
    entry.stage[part] = citedValue(fact);
    entry.stage.system ??= str(a, 'stagingSystem');
  }
  const byFocus = new Map<string, StageSummary[]>();
  for (const { focus, stage } of groups.values()) {
    const list = byFocus.get(focus) ?? [];
    list.push(stage);
    byFocus.set(focus, list);
  }
  for (const list of byFocus.values()) list.sort(byDateDesc);
  return byFocus;
}

/** What a treatment is called when its code has no display (mCODE fixes some codes, e.g. SNOMED 1217123003). */
const TREATMENT_LABELS: Record<TreatmentSummary['kind'], string> = {
  'medication-request': 'Medication request',
  'medication-administration': 'Medication administration',
  surgery: 'Surgical procedure',
  radiotherapy: 'Radiotherapy course',
};

/** "Radiotherapy course · Chest wall structure": the kind's label and the first body site, without its SNOMED tag. */
function fallbackTreatmentName(kind: TreatmentSummary['kind'], a: Attributes): string {
  const sites = Array.isArray(a.bodySite) ? (a.bodySite as unknown[]) : [];
  const site = codingText(asCoding(sites[0]))?.replace(/\s*\([^)]*\)\s*$/, '');
  return site ? `${TREATMENT_LABELS[kind]} · ${site}` : TREATMENT_LABELS[kind];
}

const TREATMENT_KINDS: Record<string, TreatmentSummary['kind']> = {
  'cancer-related-medication-request': 'medication-request',
  'cancer-related-medication-administration': 'medication-administration',
  'cancer-related-surgical-procedure': 'surgery',
  'radiotherapy-course-summary': 'radiotherapy',
};

/** Builds the patient overview from stored facts; every shown value carries the citation of its source element. */
export function buildPatientOverview(
  patient: PatientOverview['patient'],
  storedFacts: StoredFact[],
  counts: PatientOverview['counts'],
): PatientOverview {
  // T, N and M observations often name no condition; they take it from the stage group that lists them.
  const facts = linkStagingFacts(storedFacts as unknown as (McodeFact & StoredFact)[]) as StoredFact[];
  const stagesByFocus = buildStages(facts);
  const conditions: CancerConditionSummary[] = [];
  const linkedFoci = new Set<string>();
  for (const fact of facts) {
    if (fact.kind !== 'primary-cancer-condition' && fact.kind !== 'secondary-cancer-condition') continue;
    const a = fact.attributes as Attributes;
    const conditionRef = str(a, 'conditionRef') ?? '';
    if (conditionRef) linkedFoci.add(conditionRef);
    conditions.push({
      kind: fact.kind === 'primary-cancer-condition' ? 'primary' : 'secondary',
      diagnosis: citedCode(fact),
      bodySite: citedCoding(fact, a.bodySite, 'bodySite'),
      laterality: citedCoding(fact, a.laterality, 'laterality'),
      histology: citedCoding(fact, a.histologyMorphologyBehavior, 'histologyMorphologyBehavior'),
      onset: fact.effectiveStart,
      clinicalStatus: str(a, 'clinicalStatus'),
      verificationStatus: str(a, 'verificationStatus'),
      stages: conditionRef ? (stagesByFocus.get(conditionRef) ?? []) : [],
    });
  }
  const unlinkedStages = [...stagesByFocus.entries()].filter(([focus]) => !linkedFoci.has(focus)).flatMap(([, s]) => s);

  const biomarkers: BiomarkerSummary[] = facts
    .filter((f) => f.kind === 'tumor-marker')
    .map((f) => {
      const a = f.attributes as Attributes;
      return {
        marker: str(a, 'marker') ?? codingText(f.code) ?? 'Tumor marker',
        value: citedValue(f),
        interpretation: str(a, 'interpretation'),
        date: f.effectiveStart,
      };
    })
    .sort(byDateDesc);

  const treatments: TreatmentSummary[] = facts
    .filter((f) => TREATMENT_KINDS[f.kind])
    .map((f) => {
      const a = f.attributes as Attributes;
      const kind = TREATMENT_KINDS[f.kind]!;
      const name = citedCode(f);
      return {
        kind,
        name: f.code && !f.code.display && name.text === f.code.code ? { ...name, text: fallbackTreatmentName(kind, a) } : name,
        start: f.effectiveStart,
        end: f.effectiveEnd,
        status: f.status ?? str(a, 'status'),
        intent: str(a, 'treatmentIntent'),
      };
    })
    .sort((a, b) => (b.start ?? '').localeCompare(a.start ?? ''));

  const performanceStatus = facts
    .filter((f) => f.kind === 'ecog-performance-status' || f.kind === 'karnofsky-performance-status')
    .map((f) => ({ scale: f.kind === 'ecog-performance-status' ? ('ECOG' as const) : ('Karnofsky' as const), value: citedValue(f), date: f.effectiveStart }))
    .sort(byDateDesc);

  const diseaseStatus = facts
    .filter((f) => f.kind === 'cancer-disease-status')
    .map((f) => ({ value: citedValue(f), date: f.effectiveStart }))
    .sort(byDateDesc);

  const genomicVariants = facts
    .filter((f) => f.kind === 'genomic-variant')
    .map((f) => {
      const a = f.attributes as Attributes;
      const changeAttribute = ['aminoAcidChange', 'dnaChange', 'variantType'].find((name) => str(a, name));
      const value = citedValue(f);
      return {
        gene: str(a, 'geneStudied'),
        change: changeAttribute ? { text: str(a, changeAttribute)!, citation: citationOf(f, changeAttribute) } : value,
        significance: str(a, 'clinicalSignificance') ?? str(a, 'interpretation'),
        date: f.effectiveStart,
      };
    });

  return { patient, conditions, unlinkedStages, biomarkers, treatments, performanceStatus, diseaseStatus, genomicVariants, counts };
}
