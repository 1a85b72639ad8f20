/**
 * mCODE STU4 resources → typed facts. Each fact cites the record and the exact element each of its parts came from.
 */
import type { Patient, Resource } from '@medplum/fhirtypes';
import type { Coding, FactValue, Provenance, Quantity } from '@oncoboard/facts';
import {
  CAUSE_OF_DEATH_LOINC,
  DEATH_DATE_LOINC,
  ECOG_ANSWERS,
  EXT,
  KARNOFSKY_ANSWERS,
  LOINC,
  SNOMED,
  STAGING_SYSTEM_LABELS,
  TUMOR_SIZE_LONGEST_LOINC,
  TUMOR_SIZE_OTHER_LOINC,
  VARIANT_COMPONENT,
  type StageType,
} from './codes';
import {
  asArray,
  asFhirDate,
  asNumber,
  asString,
  choiceValue,
  codingOf,
  codingsOf,
  conceptText,
  extensionsOf,
  hasCode,
  isObject,
  patientReferenceOf,
  quantityOf,
  referenceOf,
  referencesAt,
  relativeReference,
  type Json,
  type Located,
} from './fhir-values';
import { patientDemographicsOf } from './patient';
import { recognizeResource, tumorMarkerNameOf, type Recognized } from './recognize';
import type { McodeAttributesByKind, McodeFact, McodeFactKind, McodeFactOf, MappingContext, Recognition } from './types';

type Attrs<K extends McodeFactKind> = McodeAttributesByKind[K];
type AttrPaths<K extends McodeFactKind> = Partial<Record<keyof Attrs<K>, string>>;

interface FactParts<K extends McodeFactKind> {
  /** The element the fact as a whole is about (its value, else its code): cited first. */
  mainPath: string;
  code?: Located<Coding>;
  value?: Located<FactValue>;
  start?: Located<string>;
  end?: Located<string>;
  status?: Located<string>;
  attributes: Attrs<K>;
  attributePaths: AttrPaths<K>;
}

interface Base {
  ctx: MappingContext;
  patientKey: string;
  recognizedBy: Recognition;
}

function makeFact<K extends McodeFactKind>(kind: K, base: Base, parts: FactParts<K>): McodeFactOf<K> {
  const paths: Record<string, string> = {};
  if (parts.code) paths.code = parts.code.path;
  if (parts.value) paths.value = parts.value.path;
  if (parts.start) paths.effectiveStart = parts.start.path;
  if (parts.end) paths.effectiveEnd = parts.end.path;
  if (parts.status) paths.status = parts.status.path;
  for (const [name, path] of Object.entries(parts.attributePaths) as [string, string | undefined][]) if (path) paths[name] = path;
  // The logical id is identity, not a statement: it stays in elementPaths but is not cited.
  const ordered = [parts.mainPath, parts.value?.path, parts.code?.path, ...Object.values(paths)].filter((p): p is string => !!p && !/^[A-Za-z]+\.id$/.test(p));
  const provenance: Provenance[] = [...new Set(ordered)].map((elementPath) => ({ sourceRecordKey: base.ctx.sourceRecordKey, elementPath }));
  const fact: Record<string, unknown> = { kind, patientKey: base.patientKey };
  if (parts.code) fact.code = parts.code.value;
  if (parts.value) fact.value = parts.value.value;
  if (parts.start) fact.effectiveStart = parts.start.value;
  if (parts.end) fact.effectiveEnd = parts.end.value;
  if (parts.status) fact.status = parts.status.value;
  fact.attributes = { ...parts.attributes, recognizedBy: base.recognizedBy, elementPaths: paths };
  fact.provenance = provenance;
  return fact as unknown as McodeFactOf<K>;
}

/** Sets an attribute and the element path it was read from, when the value was found. */
function put<A, K extends keyof A>(attributes: A, paths: Partial<Record<keyof A, string>>, name: K, found: Located<A[K]> | undefined): void {
  if (!found) return;
  attributes[name] = found.value;
  paths[name] = found.path;
}

// ---- small readers -------------------------------------------------------------------------------------------

function located<T>(value: T | undefined, path: string): Located<T> | undefined {
  return value === undefined ? undefined : { value, path };
}

function codeAt(holder: Json, element: string, root: string): Located<Coding> | undefined {
  return located(codingOf(holder[element]), `${root}.${element}`);
}

function statusCode(holder: Json, element: string, root: string): Located<string> | undefined {
  const value = holder[element];
  if (typeof value === 'string') return located(asString(value), `${root}.${element}`);
  return located(codingOf(value)?.code, `${root}.${element}`);
}

/** The date (or period) of a choice element such as effective[x], onset[x], performed[x]. */
function dateChoice(holder: Json, prefix: string, root: string): { start?: Located<string>; end?: Located<string> } {
  for (const suffix of ['DateTime', 'Instant', 'Date']) {
    const date = asFhirDate(holder[`${prefix}${suffix}`]);
    if (date) return { start: { value: date, path: `${root}.${prefix}${suffix}` } };
  }
  const period = holder[`${prefix}Period`];
  if (isObject(period)) {
    const start = asFhirDate(period.start);
    const end = asFhirDate(period.end);
    if (start || end) {
      return {
        ...(start ? { start: { value: start, path: `${root}.${prefix}Period.start` } } : {}),
        ...(end ? { end: { value: end, path: `${root}.${prefix}Period.end` } } : {}),
      };
    }
  }
  const timing = holder[`${prefix}Timing`];
  if (isObject(timing)) {
    const event = asFhirDate(asArray(timing.event)[0]);
    if (event) return { start: { value: event, path: `${root}.${prefix}Timing.event[0]` } };
    const repeat = timing.repeat;
    const bounds = isObject(repeat) ? repeat.boundsPeriod : undefined;
    if (isObject(bounds)) {
      const start = asFhirDate(bounds.start);
      const end = asFhirDate(bounds.end);
      return {
        ...(start ? { start: { value: start, path: `${root}.${prefix}Timing.repeat.boundsPeriod.start` } } : {}),
        ...(end ? { end: { value: end, path: `${root}.${prefix}Timing.repeat.boundsPeriod.end` } } : {}),
      };
    }
  }
  return {};
}

/** The value of the first extension with this URL whose value[x] is a CodeableConcept. */
function extensionCoding(holder: Json, url: string | readonly string[], root: string): Located<Coding> | undefined {
  for (const ext of extensionsOf(holder, url, root)) {
    const coding = codingOf(ext.value.valueCodeableConcept) ?? codingOf(isObject(ext.value.valueCoding) ? { coding: [ext.value.valueCoding] } : undefined);
    if (coding) return { value: coding, path: `${ext.path}.${ext.value.valueCodeableConcept !== undefined ? 'valueCodeableConcept' : 'valueCoding'}` };
  }
  return undefined;
}

function extensionCodings(holder: Json, url: string | readonly string[], root: string): Located<Coding>[] {
  const out: Located<Coding>[] = [];
  for (const ext of extensionsOf(holder, url, root)) {
    const coding = codingOf(ext.value.valueCodeableConcept);
    if (coding) out.push({ value: coding, path: `${ext.path}.valueCodeableConcept` });
  }
  return out;
}

function extensionReference(holder: Json, url: string, root: string): Located<string> | undefined {
  for (const ext of extensionsOf(holder, url, root)) {
    const ref = relativeReference(referenceOf(ext.value.valueReference)) ?? referenceOf(ext.value.valueReference);
    if (ref) return { value: ref, path: `${ext.path}.valueReference` };
  }
  return undefined;
}

function firstReference(holder: Json, element: string, root: string): Located<string> | undefined {
  const value = holder[element];
  if (Array.isArray(value)) return referencesAt(holder, element, root)[0];
  const ref = relativeReference(referenceOf(value)) ?? referenceOf(value);
  return located(ref, `${root}.${element}`);
}

const LATERALITY: Record<string, Coding> = {
  left: { system: SNOMED, code: '7771000', display: 'Left' },
  right: { system: SNOMED, code: '24028007', display: 'Right' },
  bilateral: { system: SNOMED, code: '51440002', display: 'Right and left' },
};
const LATERALITY_CODES = new Set(['7771000', '24028007', '51440002', '66459002']);

/** The laterality a display names ("Left breast structure", "... of female left breast"), when it names exactly one. */
function lateralityInText(text: string | undefined): Coding | undefined {
  if (!text) return undefined;
  const found = new Set<string>();
  if (/\bbilateral\b|\bboth\b|\bright and left\b/i.test(text)) found.add('bilateral');
  else {
    if (/\bleft\b/i.test(text)) found.add('left');
    if (/\bright\b/i.test(text)) found.add('right');
  }
  if (found.size !== 1) return undefined;
  return LATERALITY[[...found][0]!];
}

interface BodySites {
  sites: Coding[];
  sitesPath?: string;
  laterality?: Located<Coding>;
  qualifiers: Located<Coding>[];
}

/** Body sites with their mCODE laterality and location qualifiers; laterality from the site's display as a fallback. */
function bodySitesOf(holder: Json, root: string, codeElement?: string): BodySites {
  const sites: Coding[] = [];
  const qualifiers: Located<Coding>[] = [];
  let laterality: Located<Coding> | undefined;
  asArray(holder.bodySite).forEach((site, index) => {
    const path = `${root}.bodySite[${index}]`;
    const coding = codingOf(site);
    if (coding) sites.push(coding);
    if (!isObject(site)) return;
    laterality ??= extensionCoding(site, [EXT.lateralityQualifier, EXT.laterality], path);
    qualifiers.push(...extensionCodings(site, EXT.bodyLocationQualifier, path));
  });
  laterality ??= extensionCoding(holder, EXT.laterality, root);
  if (!laterality) {
    // Pre-coordinated sites and codes name the side: cite the display that says so.
    asArray(holder.bodySite).forEach((site, index) => {
      if (laterality || !isObject(site)) return;
      asArray(site.coding).forEach((coding, ci) => {
        if (laterality || !isObject(coding)) return;
        const side = lateralityInText(asString(coding.display));
        if (side) laterality = { value: side, path: `${root}.bodySite[${index}].coding[${ci}].display` };
      });
    });
  }
  const concept = codeElement ? holder[codeElement] : undefined;
  if (!laterality && isObject(concept)) {
    asArray(concept.coding).forEach((coding, ci) => {
      if (laterality || !isObject(coding)) return;
      const side = lateralityInText(asString(coding.display));
      if (side) laterality = { value: side, path: `${root}.${codeElement}.coding[${ci}].display` };
    });
  }
  return { sites, ...(sites.length > 0 ? { sitesPath: `${root}.bodySite` } : {}), ...(laterality ? { laterality } : {}), qualifiers };
}

function reasonsOf(holder: Json, root: string): { refs: Located<string>[]; codes: Coding[]; codesPath?: string } {
  const refs = referencesAt(holder, 'reasonReference', root);
  const codes = asArray(holder.reasonCode).map(codingOf).filter((c): c is Coding => !!c);
  return { refs, codes, ...(codes.length > 0 ? { codesPath: `${root}.reasonCode` } : {}) };
}

function treatmentIntentOf(holder: Json, root: string): Located<Coding> | undefined {
  return extensionCoding(holder, [EXT.procedureIntent, EXT.treatmentIntent], root);
}

/** mcode-termination-reason extensions, else statusReason (MedicationRequest/Procedure: 0..1, MedicationAdministration: 0..*). */
function terminationReasonsOf(holder: Json, root: string): { codes: Coding[]; path?: string } {
  const fromExtension = extensionCodings(holder, EXT.terminationReason, root);
  if (fromExtension.length > 0) return { codes: fromExtension.map((l) => l.value), path: fromExtension[0]!.path };
  const statusReason = holder.statusReason;
  if (Array.isArray(statusReason)) {
    const codes = statusReason.map(codingOf).filter((c): c is Coding => !!c);
    return codes.length > 0 ? { codes, path: `${root}.statusReason` } : { codes: [] };
  }
  const coding = codingOf(statusReason);
  return coding ? { codes: [coding], path: `${root}.statusReason` } : { codes: [] };
}

/** "AJCC 8th" for the AJCC staging methods, else the method's display. */
export function stagingSystemLabel(method: Coding | undefined): string | undefined {
  if (!method) return undefined;
  const label = method.system && method.code ? STAGING_SYSTEM_LABELS[`${method.system}|${method.code}`] : undefined;
  return label ?? method.display ?? method.code;
}

/** Stage type named by a TNM value: "cT3" / "American Joint Committee on Cancer pN1 (qualifier value)". */
function stageTypeOfValue(value: Coding | undefined): StageType | undefined {
  for (const text of [value?.code, value?.display]) {
    const match = text ? /(?:^|[\s(])(yc|yp|rp|rc|ap|c|p)(?:T|N|M)(?:[0-9XxIiSs]|is|a|b|c|$)/.exec(text) : null;
    if (match) return match[1]!.endsWith('c') ? 'clinical' : 'pathological';
  }
  return undefined;
}

// ---- per kind ------------------------------------------------------------------------------------------------

function patientFacts(json: Json, base: Base): McodeFact[] {
  const demographics = patientDemographicsOf(json as unknown as Patient);
  const root = 'Patient';
  const race = extensionsOf(json, EXT.usCoreRace, root);
  const ethnicity = extensionsOf(json, EXT.usCoreEthnicity, root);
  const ombCodings = (exts: Located<Json>[]) =>
    exts.flatMap((ext) =>
      asArray(ext.value.extension)
        .filter(isObject)
        .filter((sub) => sub.url === 'ombCategory')
        .map((sub) => codingOf({ coding: [sub.valueCoding] }))
        .filter((c): c is Coding => !!c),
    );
  const birthSex = extensionsOf(json, EXT.usCoreBirthSex, root)[0];
  const attributes: Attrs<'patient'> = { ...demographics };
  const attributePaths: AttrPaths<'patient'> = { key: `${root}.id` };
  const raceCodings = ombCodings(race);
  if (raceCodings.length > 0) {
    attributes.race = raceCodings;
    attributePaths.race = race[0]!.path;
  }
  const ethnicityCodings = ombCodings(ethnicity);
  if (ethnicityCodings.length > 0) {
    attributes.ethnicity = ethnicityCodings;
    attributePaths.ethnicity = ethnicity[0]!.path;
  }
  const birthSexCode = birthSex ? asString(birthSex.value.valueCode) : undefined;
  if (birthSexCode && birthSex) {
    attributes.birthSex = birthSexCode;
    attributePaths.birthSex = `${birthSex.path}.valueCode`;
  }
  if (demographics.birthDate) attributePaths.birthDate = `${root}.birthDate`;
  if (demographics.gender) attributePaths.gender = `${root}.gender`;
  if (demographics.identifiers) attributePaths.identifiers = `${root}.identifier`;
  if (demographics.displayName) attributePaths.displayName = `${root}.name`;
  if (demographics.deceasedAt) attributePaths.deceasedAt = `${root}.deceasedDateTime`;
  if (demographics.deceased !== undefined) attributePaths.deceased = demographics.deceasedAt ? `${root}.deceasedDateTime` : `${root}.deceasedBoolean`;
  const facts: McodeFact[] = [
    makeFact('patient', base, {
      mainPath: root,
      ...(demographics.birthDate ? { start: { value: demographics.birthDate, path: `${root}.birthDate` } } : {}),
      attributes,
      attributePaths,
    }),
  ];
  if (demographics.deceased) {
    const path = demographics.deceasedAt ? `${root}.deceasedDateTime` : `${root}.deceasedBoolean`;
    facts.push(
      makeFact('death', { ...base, recognizedBy: 'resource-type' }, {
        mainPath: path,
        value: { value: { type: 'boolean', value: true }, path },
        ...(demographics.deceasedAt ? { start: { value: demographics.deceasedAt, path } } : {}),
        attributes: { source: 'Patient.deceased', ...(demographics.deceasedAt ? { deceasedDateTime: demographics.deceasedAt } : {}) },
        attributePaths: demographics.deceasedAt ? { deceasedDateTime: path } : {},
      }),
    );
  }
  return facts;
}

function cancerConditionFact(json: Json, base: Base, kind: 'primary-cancer-condition' | 'secondary-cancer-condition'): McodeFact {
  const root = 'Condition';
  const code = codeAt(json, 'code', root);
  const sites = bodySitesOf(json, root, 'code');
  const histology = extensionCoding(json, EXT.histologyMorphologyBehavior, root);
  const clinical = statusCode(json, 'clinicalStatus', root);
  const verification = statusCode(json, 'verificationStatus', root);
  let asserted: Located<string> | undefined;
  for (const ext of extensionsOf(json, EXT.assertedDate, root)) {
    const date = asFhirDate(ext.value.valueDateTime);
    if (date) {
      asserted = { value: date, path: `${ext.path}.valueDateTime` };
      break;
    }
  }
  const recorded = located(asFhirDate(json.recordedDate), `${root}.recordedDate`);
  const onset = dateChoice(json, 'onset', root);
  const abatement = dateChoice(json, 'abatement', root);
  const id = asString(json.id) ?? '';
  const attributes: Attrs<typeof kind> = { conditionRef: `Condition/${id}`, bodySite: sites.sites };
  const attributePaths: AttrPaths<typeof kind> = { conditionRef: `${root}.id`, ...(sites.sitesPath ? { bodySite: sites.sitesPath } : {}) };
  put(attributes, attributePaths, 'laterality', sites.laterality);
  if (sites.qualifiers.length > 0) {
    attributes.locationQualifiers = sites.qualifiers.map((q) => q.value);
    attributePaths.locationQualifiers = sites.qualifiers[0]!.path;
  }
  put(attributes, attributePaths, 'histologyMorphologyBehavior', histology);
  put(attributes, attributePaths, 'clinicalStatus', clinical);
  put(attributes, attributePaths, 'verificationStatus', verification);
  put(attributes, attributePaths, 'assertedDate', asserted);
  put(attributes, attributePaths, 'recordedDate', recorded);
  const stage = asArray(json.stage)[0];
  if (isObject(stage)) {
    const summary = codingOf(stage.summary);
    if (summary) {
      attributes.stageSummary = summary;
      attributePaths.stageSummary = `${root}.stage[0].summary`;
    }
    const type = codingOf(stage.type);
    if (type) {
      attributes.stageSummarySystem = type;
      attributePaths.stageSummarySystem = `${root}.stage[0].type`;
    }
    const assessments = referencesAt(stage, 'assessment', `${root}.stage[0]`);
    if (assessments.length > 0) {
      attributes.stageAssessmentRefs = assessments.map((a) => a.value);
      attributePaths.stageAssessmentRefs = `${root}.stage[0].assessment`;
    }
  }
  const related = extensionReference(json, EXT.conditionRelated, root);
  put(attributes, attributePaths, 'relatedPrimaryRef', related);
  const start = onset.start ?? asserted;
  return makeFact(kind, base, {
    mainPath: code?.path ?? root,
    ...(code ? { code } : {}),
    ...(start ? { start } : {}),
    ...(abatement.start ?? abatement.end ? { end: (abatement.end ?? abatement.start)! } : {}),
    ...(clinical ? { status: clinical } : {}),
    attributes,
    attributePaths,
  });
}

interface ObservationCommon {
  root: string;
  code?: Located<Coding>;
  value?: Located<FactValue>;
  start?: Located<string>;
  end?: Located<string>;
  status?: Located<string>;
  method?: Located<Coding>;
  interpretation?: Located<Coding>;
  focus: Located<string>[];
  specimen?: Located<string>;
}

function observationCommon(json: Json): ObservationCommon {
  const root = 'Observation';
  const effective = dateChoice(json, 'effective', root);
  const issued = located(asFhirDate(json.issued), `${root}.issued`);
  const start = effective.start ?? (effective.end ? undefined : issued);
  const interpretation = asArray(json.interpretation)
    .map((concept, index) => located(codingOf(concept), `${root}.interpretation[${index}]`))
    .find((l) => !!l);
  const common: ObservationCommon = { root, focus: referencesAt(json, 'focus', root) };
  const code = codeAt(json, 'code', root);
  if (code) common.code = code;
  const value = choiceValue(json, root);
  if (value) common.value = value;
  if (start) common.start = start;
  if (effective.end) common.end = effective.end;
  const status = located(asString(json.status), `${root}.status`);
  if (status) common.status = status;
  const method = codeAt(json, 'method', root);
  if (method) common.method = method;
  if (interpretation) common.interpretation = interpretation;
  const specimen = firstReference(json, 'specimen', root);
  if (specimen) common.specimen = specimen;
  return common;
}

function observationParts(c: ObservationCommon): Pick<FactParts<McodeFactKind>, 'code' | 'value' | 'start' | 'end' | 'status'> {
  return {
    ...(c.code ? { code: c.code } : {}),
    ...(c.value ? { value: c.value } : {}),
    ...(c.start ? { start: c.start } : {}),
    ...(c.end ? { end: c.end } : {}),
    ...(c.status ? { status: c.status } : {}),
  };
}

function tnmFact(json: Json, base: Base, recognized: Recognized): McodeFact {
  const kind = recognized.kind as 'tnm-stage-group' | 'tnm-primary-tumor-category' | 'tnm-regional-nodes-category' | 'tnm-distant-metastases-category';
  const c = observationCommon(json);
  const valueCoding = c.value?.value.type === 'coding' ? c.value.value.coding : undefined;
  const attributes: Attrs<typeof kind> = { observationRef: `Observation/${asString(json.id) ?? ''}` };
  const attributePaths: AttrPaths<typeof kind> = { observationRef: `${c.root}.id` };
  const stageType = recognized.stageType ?? stageTypeOfValue(valueCoding);
  if (stageType) {
    attributes.stageType = stageType;
    if (c.code && recognized.stageType) attributePaths.stageType = c.code.path;
    else if (c.value) attributePaths.stageType = c.value.path;
  }
  if (c.method) {
    attributes.stagingMethod = c.method.value;
    attributePaths.stagingMethod = c.method.path;
    const label = stagingSystemLabel(c.method.value);
    if (label) {
      attributes.stagingSystem = label;
      attributePaths.stagingSystem = c.method.path;
    }
  }
  const focus = c.focus.find((f) => f.value.startsWith('Condition/')) ?? c.focus[0];
  put(attributes, attributePaths, 'focusConditionRef', focus);
  if (kind === 'tnm-stage-group') {
    const members = referencesAt(json, 'hasMember', c.root);
    if (members.length > 0) {
      attributes.memberRefs = members.map((m) => m.value);
      attributePaths.memberRefs = `${c.root}.hasMember`;
    }
  }
  return makeFact(kind, base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), attributes, attributePaths });
}

function cancerStageFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const attributes: Attrs<'cancer-stage'> = {};
  const attributePaths: AttrPaths<'cancer-stage'> = {};
  if (c.method) {
    attributes.stagingMethod = c.method.value;
    attributePaths.stagingMethod = c.method.path;
    const label = stagingSystemLabel(c.method.value);
    if (label) {
      attributes.stagingSystem = label;
      attributePaths.stagingSystem = c.method.path;
    }
  }
  const focus = c.focus.find((f) => f.value.startsWith('Condition/')) ?? c.focus[0];
  put(attributes, attributePaths, 'focusConditionRef', focus);
  return makeFact('cancer-stage', base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), attributes, attributePaths });
}

function tumorMarkerFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const marker = tumorMarkerNameOf(json.code) ?? conceptText(json.code) ?? 'Tumor marker';
  const attributes: Attrs<'tumor-marker'> = { marker };
  const attributePaths: AttrPaths<'tumor-marker'> = { marker: `${c.root}.code` };
  put(attributes, attributePaths, 'interpretation', c.interpretation);
  put(attributes, attributePaths, 'method', c.method);
  put(attributes, attributePaths, 'specimenRef', c.specimen);
  if (c.focus.length > 0) {
    attributes.focusRefs = c.focus.map((f) => f.value);
    attributePaths.focusRefs = `${c.root}.focus`;
  }
  return makeFact('tumor-marker', base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), attributes, attributePaths });
}

function performanceStatusFact(json: Json, base: Base, kind: 'ecog-performance-status' | 'karnofsky-performance-status'): McodeFact {
  const c = observationCommon(json);
  const answers = kind === 'ecog-performance-status' ? ECOG_ANSWERS : KARNOFSKY_ANSWERS;
  const attributes: Attrs<typeof kind> = {};
  const attributePaths: AttrPaths<typeof kind> = {};
  let value = c.value;
  if (value?.value.type === 'coding') {
    const coding = value.value.coding;
    attributes.valueCoding = coding;
    attributePaths.valueCoding = value.path;
    const loincAnswer = codingsOf(json.valueCodeableConcept).find((k) => k.system === LOINC && k.code !== undefined && answers[k.code] !== undefined);
    if (loincAnswer?.code !== undefined) value = { value: { type: 'integer', value: answers[loincAnswer.code]! }, path: value.path };
  }
  put(attributes, attributePaths, 'interpretation', c.interpretation);
  put(attributes, attributePaths, 'method', c.method);
  return makeFact(kind, base, { mainPath: value?.path ?? c.code?.path ?? c.root, ...observationParts(c), ...(value ? { value } : {}), attributes, attributePaths });
}

function diseaseStatusFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const evidence = extensionCodings(json, EXT.diseaseStatusEvidenceType, c.root);
  const attributes: Attrs<'cancer-disease-status'> = { evidenceTypes: evidence.map((e) => e.value) };
  const attributePaths: AttrPaths<'cancer-disease-status'> = {};
  if (evidence.length > 0) attributePaths.evidenceTypes = evidence[0]!.path;
  const focus = c.focus.find((f) => f.value.startsWith('Condition/')) ?? c.focus[0];
  put(attributes, attributePaths, 'focusConditionRef', focus);
  return makeFact('cancer-disease-status', base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), attributes, attributePaths });
}

function histologyFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const attributes: Attrs<'histology-morphology-behavior'> = {};
  const attributePaths: AttrPaths<'histology-morphology-behavior'> = {};
  const related = extensionReference(json, EXT.relatedCondition, c.root) ?? c.focus.find((f) => f.value.startsWith('Condition/'));
  put(attributes, attributePaths, 'relatedConditionRef', related);
  put(attributes, attributePaths, 'specimenRef', c.specimen);
  return makeFact('histology-morphology-behavior', base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), attributes, attributePaths });
}

interface ComponentValue {
  index: number;
  path: string;
  holder: Json;
}

/** Components of an Observation by LOINC (or other) code, each with its path. */
function componentsOf(json: Json, root: string): { codes: Coding[]; index: number; path: string; holder: Json }[] {
  return asArray(json.component)
    .map((component, index) => (isObject(component) ? { codes: codingsOf(component.code), index, path: `${root}.component[${index}]`, holder: component } : undefined))
    .filter((c): c is { codes: Coding[]; index: number; path: string; holder: Json } => !!c);
}

function componentsWithCode(json: Json, root: string, code: string): ComponentValue[] {
  return componentsOf(json, root)
    .filter((c) => c.codes.some((k) => k.code === code))
    .map(({ index, path, holder }) => ({ index, path, holder }));
}

function tumorSizeFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const attributes: Attrs<'tumor-size'> = { otherDimensions: [], focusRefs: c.focus.map((f) => f.value) };
  const attributePaths: AttrPaths<'tumor-size'> = c.focus.length > 0 ? { focusRefs: `${c.root}.focus` } : {};
  let value = c.value;
  const longest = componentsWithCode(json, c.root, TUMOR_SIZE_LONGEST_LOINC)
    .map((comp) => located(quantityOf(comp.holder.valueQuantity), `${comp.path}.valueQuantity`))
    .find((l) => !!l);
  if (longest) {
    attributes.longestDimension = longest.value;
    attributePaths.longestDimension = longest.path;
    value ??= { value: { type: 'quantity', quantity: longest.value }, path: longest.path };
  }
  const others = componentsWithCode(json, c.root, TUMOR_SIZE_OTHER_LOINC)
    .map((comp) => located(quantityOf(comp.holder.valueQuantity), `${comp.path}.valueQuantity`))
    .filter((l): l is Located<Quantity> => !!l);
  if (others.length > 0) {
    attributes.otherDimensions = others.map((o) => o.value);
    attributePaths.otherDimensions = others[0]!.path;
  }
  put(attributes, attributePaths, 'method', c.method);
  put(attributes, attributePaths, 'specimenRef', c.specimen);
  return makeFact('tumor-size', base, { mainPath: value?.path ?? c.code?.path ?? c.root, ...observationParts(c), ...(value ? { value } : {}), attributes, attributePaths });
}

/** Text of an HGVS-like coding: the expression is the code (varnomen), else the display. */
function hgvsText(coding: Coding | undefined): string | undefined {
  return coding?.code && coding.system?.includes('hgvs') ? coding.code : (coding?.display ?? coding?.code);
}

function genomicVariantFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const attributes: Attrs<'genomic-variant'> = { genes: [] };
  const attributePaths: AttrPaths<'genomic-variant'> = {};
  const conceptOf = (comp: ComponentValue) => located(codingOf(comp.holder.valueCodeableConcept), `${comp.path}.valueCodeableConcept`);
  const first = (code: string) => componentsWithCode(json, c.root, code).map(conceptOf).find((l) => !!l);

  const genes = componentsWithCode(json, c.root, VARIANT_COMPONENT.geneStudied).map(conceptOf).filter((l): l is Located<Coding> => !!l);
  if (genes.length > 0) {
    attributes.genes = genes.map((g) => g.value);
    attributes.geneStudied = genes.map((g) => g.value.display ?? g.value.code).join(', ');
    attributePaths.genes = genes[0]!.path;
    attributePaths.geneStudied = genes[0]!.path;
  }
  const variant = first(VARIANT_COMPONENT.discreteVariant);
  put(attributes, attributePaths, 'variant', variant);
  const dna = first(VARIANT_COMPONENT.dnaChange);
  const dnaText = hgvsText(dna?.value);
  if (dna && dnaText) {
    attributes.dnaChange = dnaText;
    attributePaths.dnaChange = dna.path;
  }
  const protein = first(VARIANT_COMPONENT.aminoAcidChange);
  const proteinText = hgvsText(protein?.value);
  if (protein && proteinText) {
    attributes.aminoAcidChange = proteinText;
    attributePaths.aminoAcidChange = protein.path;
  }
  // A ClinVar variant's display is "NM_024675.3(PALB2):c.3549C>A (p.Tyr1183Ter)": its c. and p. parts are the changes.
  const variantDisplay = variant?.value.display;
  if (variant && variantDisplay) {
    const cPart = /^(\S*c\.\S+)/.exec(variantDisplay)?.[1];
    const pPart = /\((p\.[^)]+)\)/.exec(variantDisplay)?.[1];
    if (!attributes.dnaChange && cPart) {
      attributes.dnaChange = cPart;
      attributePaths.dnaChange = variant.path;
    }
    if (!attributes.aminoAcidChange && pPart) {
      attributes.aminoAcidChange = pPart;
      attributePaths.aminoAcidChange = variant.path;
    }
  }
  const genomic = first(VARIANT_COMPONENT.genomicDnaChange);
  const genomicText = hgvsText(genomic?.value);
  if (genomic && genomicText) {
    attributes.genomicDnaChange = genomicText;
    attributePaths.genomicDnaChange = genomic.path;
  }
  const type = first(VARIANT_COMPONENT.dnaChangeType);
  const typeText = type?.value.display ?? type?.value.code;
  if (type && typeText) {
    attributes.variantType = typeText;
    attributePaths.variantType = type.path;
  }
  const consequence = componentsOf(json, c.root)
    .filter((comp) => comp.codes.some((k) => k.code === 'molecular-consequence'))
    .map(conceptOf)
    .find((l) => !!l);
  put(attributes, attributePaths, 'molecularConsequence', consequence);
  const frequency = componentsWithCode(json, c.root, VARIANT_COMPONENT.allelicFrequency)
    .map((comp) => located(quantityOf(comp.holder.valueQuantity), `${comp.path}.valueQuantity`))
    .find((l) => !!l);
  put(attributes, attributePaths, 'allelicFrequency', frequency);
  const source = first(VARIANT_COMPONENT.genomicSourceClass);
  const sourceText = source?.value.display ?? source?.value.code;
  if (source && sourceText) {
    attributes.genomicSourceClass = sourceText;
    attributePaths.genomicSourceClass = source.path;
  }
  const pairs: [keyof Attrs<'genomic-variant'>, string][] = [
    ['allelicState', VARIANT_COMPONENT.allelicState],
    ['transcript', VARIANT_COMPONENT.transcript],
    ['referenceAssembly', VARIANT_COMPONENT.referenceAssembly],
    ['clinicalSignificance', VARIANT_COMPONENT.clinicalSignificance],
  ];
  for (const [name, code] of pairs) {
    const found = first(code);
    if (found) {
      (attributes as unknown as Record<string, unknown>)[name] = found.value;
      attributePaths[name] = found.path;
    }
  }
  put(attributes, attributePaths, 'interpretation', c.interpretation);
  put(attributes, attributePaths, 'method', c.method);
  return makeFact('genomic-variant', base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), attributes, attributePaths });
}

function comorbiditiesFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const attributes: Attrs<'comorbidities'> = { presentConditionRefs: [], presentConditions: [], absentConditions: [] };
  const attributePaths: AttrPaths<'comorbidities'> = {};
  for (const ext of extensionsOf(json, EXT.relatedCondition, c.root)) {
    const ref = relativeReference(referenceOf(ext.value.valueReference)) ?? referenceOf(ext.value.valueReference);
    if (ref) {
      attributes.presentConditionRefs.push(ref);
      attributePaths.presentConditionRefs ??= `${ext.path}.valueReference`;
    }
    const coding = codingOf(ext.value.valueCodeableConcept);
    if (coding) {
      attributes.presentConditions.push(coding);
      attributePaths.presentConditions ??= `${ext.path}.valueCodeableConcept`;
    }
  }
  const absent = extensionCodings(json, EXT.relatedConditionAbsent, c.root);
  if (absent.length > 0) {
    attributes.absentConditions = absent.map((a) => a.value);
    attributePaths.absentConditions = absent[0]!.path;
  }
  const focus = c.focus.find((f) => f.value.startsWith('Condition/'));
  put(attributes, attributePaths, 'focusConditionRef', focus);
  return makeFact('comorbidities', base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), attributes, attributePaths });
}

function deathObservationFact(json: Json, base: Base): McodeFact {
  const c = observationCommon(json);
  const attributes: Attrs<'death'> = { source: 'Observation' };
  const attributePaths: AttrPaths<'death'> = {};
  let start = c.start;
  if (hasCode(json.code, LOINC, [DEATH_DATE_LOINC])) {
    const date = located(asFhirDate(json.valueDateTime), `${c.root}.valueDateTime`);
    if (date) {
      attributes.deceasedDateTime = date.value;
      attributePaths.deceasedDateTime = date.path;
      start = date;
    }
  }
  if (hasCode(json.code, LOINC, [CAUSE_OF_DEATH_LOINC])) {
    const cause = located(codingOf(json.valueCodeableConcept), `${c.root}.valueCodeableConcept`);
    put(attributes, attributePaths, 'cause', cause);
  }
  return makeFact('death', base, { mainPath: c.value?.path ?? c.code?.path ?? c.root, ...observationParts(c), ...(start ? { start } : {}), attributes, attributePaths });
}

function medicationFact(json: Json, base: Base, kind: 'cancer-related-medication-request' | 'cancer-related-medication-administration'): McodeFact {
  const root = json.resourceType as string;
  const code = codeAt(json, 'medicationCodeableConcept', root);
  const medicationRef = firstReference(json, 'medicationReference', root);
  const reasons = reasonsOf(json, root);
  const intent = treatmentIntentOf(json, root);
  const termination = terminationReasonsOf(json, root);
  const status = located(asString(json.status), `${root}.status`);
  const attributes: Attrs<typeof kind> = { reasonRefs: reasons.refs.map((r) => r.value), reasonCodes: reasons.codes };
  const attributePaths: AttrPaths<typeof kind> = {
    ...(reasons.refs.length > 0 ? { reasonRefs: `${root}.reasonReference` } : {}),
    ...(reasons.codesPath ? { reasonCodes: reasons.codesPath } : {}),
  };
  put(attributes, attributePaths, 'treatmentIntent', intent);
  if (termination.codes.length > 0 && termination.path) {
    attributes.terminationReason = termination.codes;
    attributePaths.terminationReason = termination.path;
  }
  put(attributes, attributePaths, 'status', status);
  put(attributes, attributePaths, 'medicationRef', medicationRef);
  const normalization = extensionCoding(json, EXT.normalizationBasis, root);
  put(attributes, attributePaths, 'normalizationBasis', normalization);
  let start: Located<string> | undefined;
  let end: Located<string> | undefined;
  let dosage: { holder: Json; path: string } | undefined;
  if (kind === 'cancer-related-medication-request') {
    asArray(json.dosageInstruction).forEach((d, index) => {
      if (!isObject(d)) return;
      dosage ??= { holder: d, path: `${root}.dosageInstruction[${index}]` };
      const timing = d.timing;
      const repeat = isObject(timing) ? timing.repeat : undefined;
      const boundsPeriod = isObject(repeat) ? repeat.boundsPeriod : undefined;
      if (isObject(boundsPeriod)) {
        const s = asFhirDate(boundsPeriod.start);
        const e = asFhirDate(boundsPeriod.end);
        const path = `${root}.dosageInstruction[${index}].timing.repeat.boundsPeriod`;
        if (s && (!start || s < start.value)) start = { value: s, path: `${path}.start` };
        if (e && (!end || e > end.value)) end = { value: e, path: `${path}.end` };
      }
    });
    start ??= located(asFhirDate(json.authoredOn), `${root}.authoredOn`);
    if (dosage) {
      const route = codeAt(dosage.holder, 'route', dosage.path);
      put(attributes, attributePaths, 'route', route);
      const doseAndRate = asArray(dosage.holder.doseAndRate)[0];
      const dose = isObject(doseAndRate) ? located(quantityOf(doseAndRate.doseQuantity), `${dosage.path}.doseAndRate[0].doseQuantity`) : undefined;
      put(attributes, attributePaths, 'dose', dose);
    }
  } else {
    const effective = dateChoice(json, 'effective', root);
    start = effective.start;
    end = effective.end;
    if (isObject(json.dosage)) {
      dosage = { holder: json.dosage, path: `${root}.dosage` };
      const route = codeAt(json.dosage, 'route', dosage.path);
      put(attributes, attributePaths, 'route', route);
      const dose = located(quantityOf(json.dosage.dose), `${dosage.path}.dose`);
      put(attributes, attributePaths, 'dose', dose);
    }
  }
  const dosageText = dosage ? located(asString(dosage.holder.text), `${dosage.path}.text`) : undefined;
  put(attributes, attributePaths, 'dosageText', dosageText);
  return makeFact(kind, base, {
    mainPath: code?.path ?? medicationRef?.path ?? root,
    ...(code ? { code } : {}),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    ...(status ? { status } : {}),
    attributes,
    attributePaths,
  });
}

function surgicalProcedureFact(json: Json, base: Base): McodeFact {
  const root = 'Procedure';
  const code = codeAt(json, 'code', root);
  const sites = bodySitesOf(json, root);
  const reasons = reasonsOf(json, root);
  const intent = treatmentIntentOf(json, root);
  const termination = terminationReasonsOf(json, root);
  const status = located(asString(json.status), `${root}.status`);
  const performed = dateChoice(json, 'performed', root);
  const attributes: Attrs<'cancer-related-surgical-procedure'> = { bodySite: sites.sites, reasonRefs: reasons.refs.map((r) => r.value), reasonCodes: reasons.codes };
  const attributePaths: AttrPaths<'cancer-related-surgical-procedure'> = {
    ...(sites.sitesPath ? { bodySite: sites.sitesPath } : {}),
    ...(reasons.refs.length > 0 ? { reasonRefs: `${root}.reasonReference` } : {}),
    ...(reasons.codesPath ? { reasonCodes: reasons.codesPath } : {}),
  };
  put(attributes, attributePaths, 'laterality', sites.laterality);
  if (sites.qualifiers.length > 0) {
    attributes.locationQualifiers = sites.qualifiers.map((q) => q.value);
    attributePaths.locationQualifiers = sites.qualifiers[0]!.path;
  }
  put(attributes, attributePaths, 'treatmentIntent', intent);
  if (termination.codes.length > 0 && termination.path) {
    attributes.terminationReason = termination.codes;
    attributePaths.terminationReason = termination.path;
  }
  put(attributes, attributePaths, 'status', status);
  return makeFact('cancer-related-surgical-procedure', base, {
    mainPath: code?.path ?? root,
    ...(code ? { code } : {}),
    ...(performed.start ? { start: performed.start } : {}),
    ...(performed.end ? { end: performed.end } : {}),
    ...(status ? { status } : {}),
    attributes,
    attributePaths,
  });
}

const MODALITY_URLS = [EXT.radiotherapyModality, 'modality'];
const TECHNIQUE_URLS = [EXT.radiotherapyTechnique, 'technique'];

function radiotherapyFact(json: Json, base: Base): McodeFact {
  const root = 'Procedure';
  const code = codeAt(json, 'code', root);
  const reasons = reasonsOf(json, root);
  const intent = treatmentIntentOf(json, root);
  const termination = terminationReasonsOf(json, root);
  const status = located(asString(json.status), `${root}.status`);
  const performed = dateChoice(json, 'performed', root);
  const sites = bodySitesOf(json, root);
  const modalities: Located<Coding>[] = [];
  const techniques: Located<Coding>[] = [];
  for (const pair of extensionsOf(json, EXT.radiotherapyModalityAndTechnique, root)) {
    modalities.push(...extensionCodings(pair.value, MODALITY_URLS, pair.path));
    techniques.push(...extensionCodings(pair.value, TECHNIQUE_URLS, pair.path));
  }
  const doses: Attrs<'radiotherapy-course-summary'>['doseDeliveredToVolume'] = [];
  let dosePath: string | undefined;
  for (const ext of extensionsOf(json, EXT.radiotherapyDoseDeliveredToVolume, root)) {
    const entry: Attrs<'radiotherapy-course-summary'>['doseDeliveredToVolume'][number] = {};
    for (const sub of asArray(ext.value.extension).filter(isObject)) {
      if (sub.url === 'volume') {
        const ref = relativeReference(referenceOf(sub.valueReference)) ?? referenceOf(sub.valueReference);
        if (ref) entry.volumeRef = ref;
      } else if (sub.url === 'totalDoseDelivered') {
        const q = quantityOf(sub.valueQuantity);
        if (q) entry.totalDoseDelivered = q;
      } else if (sub.url === 'fractionsDelivered') {
        const n = asNumber(sub.valueUnsignedInt) ?? asNumber(sub.valuePositiveInt) ?? asNumber(sub.valueInteger);
        if (n !== undefined) entry.fractionsDelivered = n;
      }
    }
    if (Object.keys(entry).length > 0) {
      doses.push(entry);
      dosePath ??= ext.path;
    }
  }
  const attributes: Attrs<'radiotherapy-course-summary'> = {
    modalities: modalities.map((m) => m.value),
    techniques: techniques.map((t) => t.value),
    doseDeliveredToVolume: doses,
    bodySite: sites.sites,
    reasonRefs: reasons.refs.map((r) => r.value),
    reasonCodes: reasons.codes,
  };
  const attributePaths: AttrPaths<'radiotherapy-course-summary'> = {
    ...(modalities[0] ? { modalities: modalities[0].path } : {}),
    ...(techniques[0] ? { techniques: techniques[0].path } : {}),
    ...(dosePath ? { doseDeliveredToVolume: dosePath } : {}),
    ...(sites.sitesPath ? { bodySite: sites.sitesPath } : {}),
    ...(reasons.refs.length > 0 ? { reasonRefs: `${root}.reasonReference` } : {}),
    ...(reasons.codesPath ? { reasonCodes: reasons.codesPath } : {}),
  };
  for (const ext of extensionsOf(json, EXT.radiotherapySessions, root)) {
    const n = asNumber(ext.value.valueUnsignedInt) ?? asNumber(ext.value.valuePositiveInt) ?? asNumber(ext.value.valueInteger);
    if (n !== undefined) {
      attributes.sessions = n;
      attributePaths.sessions = `${ext.path}.${ext.value.valueUnsignedInt !== undefined ? 'valueUnsignedInt' : ext.value.valuePositiveInt !== undefined ? 'valuePositiveInt' : 'valueInteger'}`;
      break;
    }
  }
  put(attributes, attributePaths, 'treatmentIntent', intent);
  if (termination.codes.length > 0 && termination.path) {
    attributes.terminationReason = termination.codes;
    attributePaths.terminationReason = termination.path;
  }
  put(attributes, attributePaths, 'status', status);
  return makeFact('radiotherapy-course-summary', base, {
    mainPath: code?.path ?? root,
    ...(code ? { code } : {}),
    ...(performed.start ? { start: performed.start } : {}),
    ...(performed.end ? { end: performed.end } : {}),
    ...(status ? { status } : {}),
    attributes,
    attributePaths,
  });
}

function genomicsReportFact(json: Json, base: Base): McodeFact {
  const root = 'DiagnosticReport';
  const code = codeAt(json, 'code', root);
  const effective = dateChoice(json, 'effective', root);
  const issued = located(asFhirDate(json.issued), `${root}.issued`);
  const status = located(asString(json.status), `${root}.status`);
  const results = referencesAt(json, 'result', root);
  const specimens = referencesAt(json, 'specimen', root);
  const conclusion = located(asString(json.conclusion), `${root}.conclusion`);
  const conclusionCodes = asArray(json.conclusionCode).map(codingOf).filter((c): c is Coding => !!c);
  const attributes: Attrs<'genomics-report'> = { resultRefs: results.map((r) => r.value), specimenRefs: specimens.map((s) => s.value), conclusionCodes };
  const attributePaths: AttrPaths<'genomics-report'> = {
    ...(results.length > 0 ? { resultRefs: `${root}.result` } : {}),
    ...(specimens.length > 0 ? { specimenRefs: `${root}.specimen` } : {}),
    ...(conclusionCodes.length > 0 ? { conclusionCodes: `${root}.conclusionCode` } : {}),
  };
  put(attributes, attributePaths, 'conclusion', conclusion);
  put(attributes, attributePaths, 'issued', issued);
  put(attributes, attributePaths, 'status', status);
  const start = effective.start ?? (effective.end ? undefined : issued);
  return makeFact('genomics-report', base, {
    mainPath: code?.path ?? root,
    ...(code ? { code } : {}),
    ...(conclusion ? { value: { value: { type: 'string', value: conclusion.value }, path: conclusion.path } } : {}),
    ...(start ? { start } : {}),
    ...(effective.end ? { end: effective.end } : {}),
    ...(status ? { status } : {}),
    attributes,
    attributePaths,
  });
}

function tumorFact(json: Json, base: Base): McodeFact {
  const root = 'BodyStructure';
  const location = codeAt(json, 'location', root);
  const morphology = codeAt(json, 'morphology', root);
  const qualifiers = asArray(json.locationQualifier)
    .map((q, index) => located(codingOf(q), `${root}.locationQualifier[${index}]`))
    .filter((l): l is Located<Coding> => !!l);
  const lateralityQualifier = qualifiers.find((q) => q.value.system === SNOMED && q.value.code !== undefined && LATERALITY_CODES.has(q.value.code));
  const laterality =
    (isObject(json.location) ? extensionCoding(json.location, [EXT.lateralityQualifier, EXT.laterality], `${root}.location`) : undefined) ??
    lateralityQualifier ??
    (location && lateralityInText(location.value.display) ? { value: lateralityInText(location.value.display)!, path: `${root}.location` } : undefined);
  const related = extensionReference(json, EXT.relatedCondition, root);
  const identifiers = asArray(json.identifier)
    .filter(isObject)
    .map((i) => {
      const value = asString(i.value);
      const system = asString(i.system);
      return value ? (system ? { system, value } : { value }) : undefined;
    })
    .filter((i): i is { system?: string; value: string } => !!i);
  const attributes: Attrs<'tumor'> = { locationQualifiers: qualifiers.filter((q) => q !== lateralityQualifier).map((q) => q.value), identifiers };
  const attributePaths: AttrPaths<'tumor'> = {
    ...(identifiers.length > 0 ? { identifiers: `${root}.identifier` } : {}),
    ...(qualifiers.length > 0 ? { locationQualifiers: `${root}.locationQualifier` } : {}),
  };
  put(attributes, attributePaths, 'location', location);
  put(attributes, attributePaths, 'laterality', laterality);
  put(attributes, attributePaths, 'morphology', morphology);
  put(attributes, attributePaths, 'relatedConditionRef', related);
  return makeFact('tumor', base, { mainPath: location?.path ?? morphology?.path ?? root, ...(location ? { code: location } : {}), attributes, attributePaths });
}

// ---- entry point ---------------------------------------------------------------------------------------------

/**
 * The mCODE facts one FHIR resource states. Every Patient yields a "patient" fact (and a "death" fact when deceased);
 * mCODE resources, recognised by declared profile or else by code, yield their kind; anything else yields none.
 * A Bundle yields none: its entries are separate records, mapped one by one.
 */
export function mapResourceToFacts(resource: Resource, ctx: MappingContext): McodeFact[] {
  const json = resource as unknown as Json;
  if (!isObject(json) || typeof json.resourceType !== 'string') return [];
  const patientKey = ctx.patientKey ?? patientReferenceOf(json) ?? '';
  if (json.resourceType === 'Patient') return patientFacts(json, { ctx, patientKey, recognizedBy: 'resource-type' });
  const recognized = recognizeResource(json);
  if (!recognized) return [];
  const base: Base = { ctx, patientKey, recognizedBy: recognized.recognizedBy };
  switch (recognized.kind) {
    case 'primary-cancer-condition':
    case 'secondary-cancer-condition':
      return [cancerConditionFact(json, base, recognized.kind)];
    case 'tnm-stage-group':
    case 'tnm-primary-tumor-category':
    case 'tnm-regional-nodes-category':
    case 'tnm-distant-metastases-category':
      return [tnmFact(json, base, recognized)];
    case 'cancer-stage':
      return [cancerStageFact(json, base)];
    case 'tumor-marker':
      return [tumorMarkerFact(json, base)];
    case 'ecog-performance-status':
    case 'karnofsky-performance-status':
      return [performanceStatusFact(json, base, recognized.kind)];
    case 'cancer-disease-status':
      return [diseaseStatusFact(json, base)];
    case 'histology-morphology-behavior':
      return [histologyFact(json, base)];
    case 'tumor-size':
      return [tumorSizeFact(json, base)];
    case 'genomic-variant':
      return [genomicVariantFact(json, base)];
    case 'comorbidities':
      return [comorbiditiesFact(json, base)];
    case 'death':
      return [deathObservationFact(json, base)];
    case 'cancer-related-medication-request':
    case 'cancer-related-medication-administration':
      return [medicationFact(json, base, recognized.kind)];
    case 'cancer-related-surgical-procedure':
      return [surgicalProcedureFact(json, base)];
    case 'radiotherapy-course-summary':
      return [radiotherapyFact(json, base)];
    case 'genomics-report':
      return [genomicsReportFact(json, base)];
    case 'tumor':
      return [tumorFact(json, base)];
    case 'patient':
      return [];
  }
}
