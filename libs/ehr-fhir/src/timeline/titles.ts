/**
 * Short, informative event titles built only from the record's own codes, names and values.
 */
import { formatFactValue, formatQuantity, type Coding } from '@oncoboard/facts';
import { LOINC } from '../mcode/codes';
import { asArray, asString, choiceValue, codingOf, declaredProfiles, isObject, withoutSemanticTag, type Json } from '../mcode/fhir-values';
import { formatHumanName, preferredName } from '../mcode/patient';
import type { McodeFact } from '../mcode/types';

export const MAX_TITLE_LENGTH = 120;

export function clip(text: string, max = MAX_TITLE_LENGTH): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1).trimEnd()}…`;
}

/** "MedicationRequest" → "Medication request". */
export function humanizeType(resourceType: string): string {
  const words = resourceType.replace(/([a-z])([A-Z])/g, '$1 $2').split(' ');
  return words.map((w, i) => (i === 0 ? w : w.toLowerCase())).join(' ');
}

function codingText(coding: Coding | undefined): string | undefined {
  const text = coding?.display ?? coding?.code;
  return text ? withoutSemanticTag(text) : undefined;
}

/**
 * LOINC names of codes that records often send without a display (vital signs, genomics panels, mCODE codes).
 * Used only when the record itself gives no display or text for the code.
 */
const LOINC_NAMES: Record<string, string> = {
  '8302-2': 'Body height',
  '29463-7': 'Body weight',
  '8277-6': 'Body surface area',
  '39156-5': 'Body mass index',
  '8310-5': 'Body temperature',
  '8867-4': 'Heart rate',
  '9279-1': 'Respiratory rate',
  '85354-9': 'Blood pressure panel',
  '8480-6': 'Systolic blood pressure',
  '8462-4': 'Diastolic blood pressure',
  '53041-0': 'DNA region of interest panel',
  '48018-6': 'Gene studied',
  '51963-7': 'Medication assessed',
  '53037-8': 'Clinical significance',
  '69548-6': 'Genetic variant assessment',
  '21889-1': 'Tumor size',
  '89247-1': 'ECOG performance status',
  '89243-0': 'Karnofsky performance status',
  '97509-4': 'Cancer disease status',
};

/** The name of a code: the record's text or display, else LOINC's name, else a readable code ("therapeutic-implication"). */
export function conceptLabel(concept: unknown): string | undefined {
  const coding = codingOf(concept);
  const text = isObject(concept) ? asString(concept.text) : undefined;
  if (text || coding?.display) return withoutSemanticTag((text ?? coding?.display)!);
  if (!coding?.code) return undefined;
  if (coding.system === LOINC && LOINC_NAMES[coding.code]) return LOINC_NAMES[coding.code];
  if (/^[a-z]+(-[a-z]+)+$/.test(coding.code)) {
    const words = coding.code.replace(/-/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return coding.code;
}

function conceptShort(concept: unknown): string | undefined {
  return conceptLabel(concept);
}

/** "mcode-lansky-play-performance-status" → "Lansky play performance status": the declared profile names what it is. */
export function profileLabel(json: Json): string | undefined {
  const id = declaredProfiles(json).find((p) => p.url.includes('/mcode/'))?.id;
  if (!id) return undefined;
  const words = id.replace(/^mcode-/, '').replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "NM_004656.4:c.1768C>T" → "c.1768C>T": the change without its reference sequence, for titles. */
function withoutReferenceSequence(hgvs: string | undefined): string | undefined {
  if (!hgvs) return undefined;
  const match = /(?:^|[:\s])((?:c|g|p|n|m|r)\.\S+)$/.exec(hgvs);
  return match ? match[1] : hgvs;
}

/** Text of any element a title may be built from: string, CodeableConcept, Coding, HumanName, Reference, or a list of them. */
export function elementText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isObject) && value.some((v) => 'family' in v || 'given' in v || ('text' in v && 'use' in v))) {
      return formatHumanName(preferredName(value));
    }
    for (const item of value) {
      const text = elementText(item);
      if (text) return text;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if ('coding' in value || ('text' in value && !('reference' in value))) return conceptShort(value);
  if ('code' in value || 'display' in value) return codingText(codingOf({ coding: [value] }));
  if ('family' in value || 'given' in value) return formatHumanName(value);
  if ('reference' in value || 'display' in value) return asString(value.display) ?? asString(value.reference);
  return undefined;
}

/** AJCC value without its preamble: "American Joint Committee on Cancer stage IIB (qualifier value)" → "IIB". */
export function shortStageValue(coding: Coding | undefined): string | undefined {
  const text = codingText(coding);
  if (!text) return undefined;
  return text
    .replace(/^American Joint Committee on Cancer\s+/i, '')
    .replace(/^(?:AJCC\s+)?(?:clinical |pathologic(?:al)? )?stage(?: group)?\s+/i, '')
    .trim();
}

const TNM_LABEL: Record<string, string> = {
  'tnm-stage-group': 'Stage group',
  'tnm-primary-tumor-category': 'T category',
  'tnm-regional-nodes-category': 'N category',
  'tnm-distant-metastases-category': 'M category',
};

function valueText(fact: McodeFact): string | undefined {
  if (!fact.value) return undefined;
  if (fact.value.type === 'coding') return codingText(fact.value.coding) ?? fact.value.text;
  return formatFactValue(fact.value) || undefined;
}

function parenthesized(parts: (string | undefined)[]): string {
  const present = parts.filter((p): p is string => !!p);
  return present.length > 0 ? ` (${present.join(', ')})` : '';
}

/** The title of the event of an mCODE fact, or undefined for kinds whose generic title is as good. */
export function factTitle(fact: McodeFact): string | undefined {
  switch (fact.kind) {
    case 'primary-cancer-condition':
      return `Primary cancer: ${codingText(fact.code) ?? 'unspecified'}`;
    case 'secondary-cancer-condition':
      return `Secondary cancer: ${codingText(fact.code) ?? 'unspecified'}`;
    case 'tnm-stage-group':
    case 'tnm-primary-tumor-category':
    case 'tnm-regional-nodes-category':
    case 'tnm-distant-metastases-category': {
      const value = fact.value?.type === 'coding' ? shortStageValue(fact.value.coding) : valueText(fact);
      return `${TNM_LABEL[fact.kind]}: ${value ?? 'not given'}${parenthesized([fact.attributes.stageType, fact.attributes.stagingSystem])}`;
    }
    case 'cancer-stage':
      return `Stage: ${valueText(fact) ?? 'not given'}`;
    case 'histology-morphology-behavior':
      return `Histology: ${valueText(fact) ?? 'not given'}`;
    case 'tumor-marker': {
      const interpretation = codingText(fact.attributes.interpretation);
      const value = valueText(fact);
      return `${fact.attributes.marker}: ${value ?? interpretation ?? 'no value'}${value && interpretation ? ` (${interpretation})` : ''}`;
    }
    case 'ecog-performance-status':
      return `ECOG performance status: ${valueText(fact) ?? 'not given'}`;
    case 'karnofsky-performance-status':
      return `Karnofsky performance status: ${valueText(fact) ?? 'not given'}`;
    case 'cancer-disease-status':
      return `Disease status: ${valueText(fact) ?? 'not given'}`;
    case 'tumor-size': {
      const dims = [fact.attributes.longestDimension, ...fact.attributes.otherDimensions].filter((q) => !!q).map((q) => formatQuantity(q!));
      return `Tumor size: ${dims.length > 0 ? dims.join(' × ') : (valueText(fact) ?? 'not given')}`;
    }
    case 'genomic-variant': {
      const a = fact.attributes;
      const dna = withoutReferenceSequence(a.dnaChange);
      const protein = withoutReferenceSequence(a.aminoAcidChange);
      const change = dna ? `${dna}${protein ? ` (${protein})` : ''}` : (protein ?? withoutReferenceSequence(a.genomicDnaChange) ?? a.variantType ?? codingText(a.molecularConsequence));
      const presence = valueText(fact);
      const head = [a.geneStudied, change].filter(Boolean).join(' ') || 'Genomic variant';
      const absent = /^absent$/i.test(presence ?? '');
      return `${head}${absent ? ': absent' : ''}${a.genomicSourceClass ? `, ${a.genomicSourceClass.toLowerCase()}` : ''}`;
    }
    case 'genomics-report':
      return `Genomics report: ${codingText(fact.code) ?? 'unspecified'}${fact.attributes.resultRefs.length > 0 ? ` (${fact.attributes.resultRefs.length} results)` : ''}`;
    case 'comorbidities': {
      const a = fact.attributes;
      const present = a.presentConditionRefs.length + a.presentConditions.length;
      return `Comorbidities: ${present} present, ${a.absentConditions.length} absent`;
    }
    case 'radiotherapy-course-summary': {
      const modalities = fact.attributes.modalities.map(codingText).filter(Boolean);
      return `Radiotherapy course${modalities.length > 0 ? `: ${modalities.join('; ')}` : ''}`;
    }
    case 'cancer-related-medication-request':
    case 'cancer-related-medication-administration':
    case 'cancer-related-surgical-procedure':
    case 'death':
    case 'patient':
    case 'tumor':
      return undefined;
  }
}

/** "6000 cGy in 30 fractions; 5000 cGy in 25 fractions" and the like: facts' details worth a second line. */
export function factDetail(fact: McodeFact): string | undefined {
  switch (fact.kind) {
    case 'radiotherapy-course-summary': {
      const doses = fact.attributes.doseDeliveredToVolume
        .map((d) => [d.totalDoseDelivered ? formatQuantity(d.totalDoseDelivered) : undefined, d.fractionsDelivered !== undefined ? `${d.fractionsDelivered} fractions` : undefined].filter(Boolean).join(' in '))
        .filter(Boolean);
      const techniques = fact.attributes.techniques.map(codingText).filter(Boolean);
      return [doses.join('; '), techniques.join('; ')].filter(Boolean).join(' · ') || undefined;
    }
    case 'primary-cancer-condition':
    case 'secondary-cancer-condition': {
      const a = fact.attributes;
      return [codingText(a.histologyMorphologyBehavior), codingText(a.laterality), a.bodySite.map(codingText).filter(Boolean).join(', '), a.clinicalStatus, a.verificationStatus].filter(Boolean).join(' · ') || undefined;
    }
    case 'ecog-performance-status':
    case 'karnofsky-performance-status':
      return codingText(fact.attributes.interpretation ?? fact.attributes.valueCoding);
    case 'cancer-stage':
      return fact.attributes.stagingSystem ? withoutSemanticTag(fact.attributes.stagingSystem) : undefined;
    case 'genomics-report':
      return fact.attributes.conclusion;
    case 'cancer-related-medication-request':
    case 'cancer-related-medication-administration':
      return [codingText(fact.attributes.treatmentIntent), fact.attributes.dosageText].filter(Boolean).join(' · ') || undefined;
    default:
      return undefined;
  }
}

/** "Hemoglobin [Mass/volume] in Blood: 13.5 g/dl" */
export function observationTitle(obs: Json): string {
  const coding = codingOf(obs.code);
  const named = isObject(obs.code) && (asString(obs.code.text) || coding?.display || (coding?.system === LOINC && coding.code && LOINC_NAMES[coding.code]));
  const what = (named ? conceptShort(obs.code) : (profileLabel(obs) ?? conceptShort(obs.code))) ?? 'Observation';
  const value = choiceValue(obs, 'Observation');
  let valueText = value ? (value.value.type === 'coding' ? codingText(value.value.coding) : formatFactValue(value.value)) : undefined;
  if (!valueText) {
    const parts = asArray(obs.component)
      .filter(isObject)
      .map((component) => {
        const v = choiceValue(component, 'component');
        const name = conceptShort(component.code);
        const text = v ? (v.value.type === 'coding' ? codingText(v.value.coding) : formatFactValue(v.value)) : undefined;
        return text ? (name ? `${name} ${text}` : text) : undefined;
      })
      .filter(Boolean);
    if (parts.length > 0) valueText = parts.slice(0, 3).join(', ') + (parts.length > 3 ? ', …' : '');
  }
  if (!valueText) valueText = conceptShort(obs.dataAbsentReason);
  return valueText ? `${what}: ${valueText}` : what;
}
