// Imports a tabular cohort (CSV + column mapping) as patients with facts and outcomes, so public cohorts go
// through the same clinical module as FHIR data. Every error names the file, the line, the column and what was
// expected (`gbsg.csv:12: rfstime: expected a non-negative number, found "-3"`); nothing is returned after one.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Fact, FactValue, PatientKey, Provenance } from '@oncoboard/facts';
import { CLINICAL_EXTRA_FACT_KINDS } from '../clinical/clinical-features';
import { CATEGORICAL_TARGETS, type CohortCovariate, type CohortMapping, parseCohortMapping } from './cohort-mapping';
import { readCsvRecords } from './csv-records';

export interface SurvivalOutcome {
  /** Follow-up time in `timeUnit` (≥ 0). */
  time: number;
  /** true: the event (e.g. death, relapse) was observed at `time`; false: censored at `time`. */
  event: boolean;
  timeUnit: 'days' | 'months' | 'years';
}

export interface CohortPatient {
  patientKey: PatientKey;
  /** The id column's value. */
  sourceId: string;
  /** Line of the CSV the patient came from. */
  line: number;
  facts: Fact[];
  outcome: SurvivalOutcome;
}

export interface CohortImport {
  cohort: string;
  file: string;
  /** sha256 of the CSV bytes (the "data hash" of a model card). */
  sha256: string;
  patients: CohortPatient[];
}

/** All problems found in a cohort CSV, one per line of the message (at most MAX_REPORTED, then a count). */
export class CohortCsvError extends Error {
  constructor(readonly issues: string[]) {
    const shown = issues.slice(0, CohortCsvError.MAX_REPORTED);
    const more = issues.length - shown.length;
    super([...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n'));
    this.name = 'CohortCsvError';
  }
  static readonly MAX_REPORTED = 20;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function treatmentFact(feature: CohortCovariate['feature'], base: Omit<Fact, 'kind' | 'attributes'>): Fact {
  switch (feature) {
    case 'radiotherapy':
      return { ...base, kind: 'radiotherapy-course-summary', code: { display: 'radiotherapy' }, attributes: { modalities: [], techniques: [], doseDeliveredToVolume: [], bodySite: [], reasonRefs: [], reasonCodes: [] } };
    case 'surgery':
      return { ...base, kind: 'cancer-related-surgical-procedure', code: { display: 'surgery' }, attributes: { bodySite: [], reasonRefs: [], reasonCodes: [] } };
    default:
      return { ...base, kind: 'cancer-related-medication-request', code: { display: feature }, attributes: { treatmentClass: feature, reasonRefs: [], reasonCodes: [] } };
  }
}

/** The facts one covariate cell states (none when the cell is a "no" of a treatment). */
function covariateFacts(c: CohortCovariate, value: number | string, patientKey: PatientKey, provenance: Provenance[]): Fact[] {
  const base = { patientKey, provenance };
  const q = (v: number, unit?: string): FactValue => ({ type: 'quantity', quantity: { value: v, ...(unit ? { unit } : {}) } });
  const statusCoding = (positive: boolean) =>
    positive ? { system: 'http://loinc.org', code: 'LA6576-8', display: 'Positive' } : { system: 'http://loinc.org', code: 'LA6577-6', display: 'Negative' };
  switch (c.feature) {
    case 'age':
      return [{ ...base, kind: CLINICAL_EXTRA_FACT_KINDS.ageAtDiagnosis, value: q(value as number, 'a'), attributes: {} }];
    case 'sex':
      return [{ ...base, kind: 'patient', attributes: { gender: value } }];
    case 'stage':
      return [{ ...base, kind: 'tnm-stage-group', value: { type: 'coding', coding: { display: `stage ${value}` } }, attributes: {} }];
    case 'grade':
      return [{ ...base, kind: CLINICAL_EXTRA_FACT_KINDS.histologicGrade, value: { type: 'integer', value: Number(value) }, attributes: {} }];
    case 'ecog':
      return [{ ...base, kind: 'ecog-performance-status', value: { type: 'integer', value: value as number }, attributes: {} }];
    case 'karnofsky':
      return [{ ...base, kind: 'karnofsky-performance-status', value: { type: 'integer', value: value as number }, attributes: {} }];
    case 'er':
    case 'pr':
    case 'her2': {
      const marker = c.feature.toUpperCase();
      if (typeof value === 'number') {
        const positive = value >= c.positiveAtOrAbove!;
        // The measured value is kept; the status the cut-off gives is its interpretation.
        return [{ ...base, kind: 'tumor-marker', value: q(value), attributes: { marker, interpretation: statusCoding(positive), positiveAtOrAbove: c.positiveAtOrAbove } }];
      }
      return [{ ...base, kind: 'tumor-marker', value: { type: 'coding', coding: statusCoding(value === 'positive') }, attributes: { marker } }];
    }
    case 'tumor-size':
      return [{ ...base, kind: 'tumor-size', value: q(value as number, c.unit ?? 'mm'), attributes: { otherDimensions: [], focusRefs: [] } }];
    case 'positive-nodes':
      return [{ ...base, kind: CLINICAL_EXTRA_FACT_KINDS.positiveLymphNodes, value: { type: 'integer', value: value as number }, attributes: {} }];
    default: {
      const given = value === 'yes' || value === 1;
      return given ? [treatmentFact(c.feature, base)] : [];
    }
  }
}

/** Checks one covariate cell; returns the value or an error text (without the file:line prefix). */
function readCovariate(c: CohortCovariate, raw: string): { value: number | string } | { error: string } {
  if (c.type === 'categorical') {
    const target = c.levels![raw];
    if (target === undefined) return { error: `expected one of ${Object.keys(c.levels!).map((k) => `"${k}"`).join(', ')} or a missing value, found "${raw}"` };
    // Binned numeric features carry the level's representative number; the other categorical ones a canonical word.
    return { value: CATEGORICAL_TARGETS[c.feature] ? target : Number(target) };
  }
  const n = NUMBER.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n)) return { error: `expected a number, found "${raw}"` };
  const f = c.feature;
  if (['chemotherapy', 'endocrine-therapy', 'her2-targeted-therapy', 'radiotherapy', 'surgery'].includes(f) && n !== 0 && n !== 1) return { error: `expected 0 or 1, found "${raw}"` };
  if ((f === 'grade' && (!Number.isInteger(n) || n < 1 || n > 4))) return { error: `expected a grade 1 to 4, found "${raw}"` };
  if (f === 'ecog' && (!Number.isInteger(n) || n < 0 || n > 5)) return { error: `expected an ECOG grade 0 to 5, found "${raw}"` };
  if (f === 'karnofsky' && (n < 0 || n > 100)) return { error: `expected a Karnofsky score 0 to 100, found "${raw}"` };
  if (f === 'positive-nodes' && (!Number.isInteger(n) || n < 0)) return { error: `expected a non-negative whole number, found "${raw}"` };
  if ((f === 'age' || f === 'tumor-size' || f === 'er' || f === 'pr' || f === 'her2') && n < 0) return { error: `expected a non-negative number, found "${raw}"` };
  return { value: n };
}

/** Reads a cohort from CSV text; `file` names it in errors and provenance. */
export function readCohortCsv(text: string, file: string, mappingInput: CohortMapping | unknown): CohortImport {
  const mapping = parseCohortMapping(mappingInput, `${file} mapping`);
  const name = basename(file);
  let records: ReturnType<typeof readCsvRecords>;
  try {
    records = readCsvRecords(text, name);
  } catch (error) {
    // The CSV syntax errors name file and line; they become this importer's error type like every other problem.
    throw new CohortCsvError([(error as Error).message]);
  }
  if (records.length === 0) throw new CohortCsvError([`${name}:1: header: expected a header line, the file is empty`]);
  const header = records[0]!.fields.map((h) => h.trim());
  const columnIndex = new Map(header.map((h, i) => [h, i]));
  const issues: string[] = [];
  const wanted: [string, string][] = [
    [mapping.idColumn, 'id'],
    [mapping.time.column, 'time'],
    [mapping.event.column, 'event'],
    ...mapping.covariates.map((c): [string, string] => [c.column, `covariate ${c.feature}`]),
  ];
  for (const [column, role] of wanted) {
    if (!columnIndex.has(column)) issues.push(`${name}:1: header: missing mapped column "${column}" (${role}); the header has ${header.map((h) => `"${h}"`).join(', ')}`);
  }
  if (issues.length > 0) throw new CohortCsvError(issues);
  if (records.length === 1) throw new CohortCsvError([`${name}:2: expected at least one patient row after the header, found none`]);

  const missing = new Set(mapping.missingValues);
  const sourceRecordKey = `cohort/${mapping.cohort}/${name}`;
  const firstLineOfId = new Map<string, number>();
  const patients: CohortPatient[] = [];
  const eventCodes = new Set(mapping.event.eventCodes);
  const censoredCodes = new Set(mapping.event.censoredCodes);
  const codesText = `${mapping.event.eventCodes.map((c) => `"${c}"`).join(', ')} (event) or ${mapping.event.censoredCodes.map((c) => `"${c}"`).join(', ')} (censored)`;

  for (const record of records.slice(1)) {
    const where = `${name}:${record.line}`;
    if (record.fields.length !== header.length) {
      issues.push(`${where}: expected ${header.length} fields as in the header, found ${record.fields.length}`);
      continue;
    }
    const cell = (column: string) => record.fields[columnIndex.get(column)!]!.trim();
    const id = cell(mapping.idColumn);
    const rowIssues: string[] = [];
    if (id === '') rowIssues.push(`${where}: ${mapping.idColumn}: expected a patient id, found ""`);
    else if (firstLineOfId.has(id)) rowIssues.push(`${where}: ${mapping.idColumn}: duplicate patient id "${id}" (first on line ${firstLineOfId.get(id)})`);
    else firstLineOfId.set(id, record.line);

    const rawTime = cell(mapping.time.column);
    const time = NUMBER.test(rawTime) ? Number(rawTime) : Number.NaN;
    if (!Number.isFinite(time) || time < 0) rowIssues.push(`${where}: ${mapping.time.column}: expected a non-negative number, found "${rawTime}"`);

    const rawEvent = cell(mapping.event.column);
    const event = eventCodes.has(rawEvent) ? true : censoredCodes.has(rawEvent) ? false : undefined;
    if (event === undefined) rowIssues.push(`${where}: ${mapping.event.column}: expected ${codesText}, found "${rawEvent}"`);

    const patientKey = `Patient/${mapping.cohort}-${id}`;
    const facts: Fact[] = [];
    for (const c of mapping.covariates) {
      const raw = cell(c.column);
      if (missing.has(raw)) continue;
      const read = readCovariate(c, raw);
      if ('error' in read) {
        rowIssues.push(`${where}: ${c.column}: ${read.error}`);
        continue;
      }
      facts.push(...covariateFacts(c, read.value, patientKey, [{ sourceRecordKey, elementPath: `line[${record.line}].${c.column}` }]));
    }
    if (rowIssues.length > 0) {
      issues.push(...rowIssues);
      continue;
    }
    patients.push({ patientKey, sourceId: id, line: record.line, facts, outcome: { time, event: event!, timeUnit: mapping.time.unit } });
  }
  if (issues.length > 0) throw new CohortCsvError(issues);
  return { cohort: mapping.cohort, file: name, sha256: createHash('sha256').update(text).digest('hex'), patients };
}

/** Reads a cohort CSV file and its mapping JSON file. */
export function readCohortCsvFile(csvPath: string, mappingPath: string): CohortImport {
  let mappingJson: unknown;
  try {
    mappingJson = JSON.parse(readFileSync(mappingPath, 'utf8'));
  } catch (error) {
    throw new Error(`${basename(mappingPath)}: expected a JSON column mapping (${(error as Error).message})`);
  }
  const mapping = parseCohortMapping(mappingJson, basename(mappingPath));
  return readCohortCsv(readFileSync(csvPath, 'utf8'), csvPath, mapping);
}
