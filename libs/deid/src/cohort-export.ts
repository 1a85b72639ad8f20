// A cohort export, one patient at a time: the caller loads a patient's record, hands it to `addPatient`, writes
// what comes back and lets it go, so memory holds one patient (plus the few shared resources) however large the
// cohort. Each patient gets their own date offset; pseudonyms are keyed, so a Practitioner referenced by two
// patients gets one pseudonymous id and is exported once (in `finish().sharedBundle`), and every reference
// between exported resources still resolves. The manifest lists the rules applied and counts per patient
// PSEUDONYM (the pseudonymous Patient id), never an original identifier. Nothing here logs.
import type { DeidKey } from './key';
import { deidentifyPatientExport, DeidExportError, PROFILES, type DeidExport, type DeidManifest } from './export';
import { listFhirPatients, pseudonymResourceId } from './fhir-safe-harbor';
import { addCounts } from './text-deid';
import { DEID_SOFTWARE } from './version';

/** Resource types that belong to no single patient and that patients' records reference (fetched once, shared). */
export const SHARED_RESOURCE_TYPES: readonly string[] = [
  'Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Medication', 'Substance', 'HealthcareService', 'Device',
];

export interface CohortExportOptions {
  key: DeidKey;
  /** Ages are computed at this date (YYYY-MM-DD); default today (UTC). */
  referenceDate?: string;
  narrative?: 'deidentify' | 'drop';
  allowBurnedInAnnotation?: boolean;
}

export interface CohortPatientInput {
  /** The ORIGINAL id of the patient's FHIR Patient (without "Patient/"). */
  patientId: string;
  /** The patient's own resources: the Patient and what references it. */
  resources: readonly unknown[];
  /** Resources of no single patient that the record references (SHARED_RESOURCE_TYPES): exported once per cohort. */
  sharedResources?: readonly unknown[];
  dicomFiles?: readonly { bytes: Uint8Array }[];
  texts?: readonly { text: string }[];
}

type Counts = DeidManifest['counts'];

export interface CohortPatientManifest {
  /** The pseudonymous id of the patient's Patient resource in this export. */
  pseudonym: string;
  /** Days the patient's dates moved are NOT listed: the offset would let a reader undo the shift. */
  resources: number;
  dicomFiles: number;
  texts: number;
  counts: Counts;
}

export interface CohortManifest extends Omit<DeidManifest, 'totals'> {
  totals: { patients: number; resources: number; sharedResources: number; dicomFiles: number; texts: number };
  patients: CohortPatientManifest[];
}

export interface CohortPatientExport {
  pseudonym: string;
  /** The patient's own resources, de-identified (shared ones go to the shared bundle). */
  bundle: DeidExport['bundle'];
  dicomFiles: DeidExport['dicomFiles'];
  texts: DeidExport['texts'];
}

type Entry = DeidExport['bundle']['entry'][number];

const emptyCounts = (): Counts => ({ fhir: {}, fhirTextMasks: {}, dicom: {}, textMasks: {} });

function addAllCounts(into: Counts, from: Counts): void {
  addCounts(into.fhir, from.fhir);
  addCounts(into.fhirTextMasks, from.fhirTextMasks);
  addCounts(into.dicom, from.dicom);
  addCounts(into.textMasks, from.textMasks);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "Type/id" of the resources referenced from `resources` whose type is shared and that are not among them. */
export function referencedSharedResources(resources: readonly unknown[]): string[] {
  const present = new Set<string>();
  const wanted = new Set<string>();
  const shared = new Set(SHARED_RESOURCE_TYPES);
  const scan = (v: unknown, depth: number): void => {
    if (depth > 60) return;
    if (Array.isArray(v)) for (const x of v) scan(x, depth + 1);
    else if (isObject(v)) {
      if (typeof v.resourceType === 'string' && typeof v.id === 'string') present.add(`${v.resourceType}/${v.id}`);
      for (const [k, x] of Object.entries(v)) {
        if (k === 'reference' && typeof x === 'string') {
          const m = /^(?:.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/.exec(x);
          if (m && shared.has(m[1]!)) wanted.add(`${m[1]}/${m[2]}`);
        } else scan(x, depth + 1);
      }
    }
  };
  scan(resources, 0);
  return [...wanted].filter((w) => !present.has(w)).sort();
}

export class CohortDeidExporter {
  readonly #options: CohortExportOptions;
  readonly #referenceDate: string;
  readonly #shared = new Map<string, Entry>();
  readonly #patients: CohortPatientManifest[] = [];
  readonly #seenPatients = new Set<string>();
  #finished = false;

  constructor(options: CohortExportOptions) {
    this.#options = options;
    this.#referenceDate = options.referenceDate ?? new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(this.#referenceDate)) throw new DeidExportError('referenceDate: expected YYYY-MM-DD');
  }

  /** De-identifies one patient's record. Errors name `patients[<n>]` (the position in this export), never a value. */
  addPatient(input: CohortPatientInput): CohortPatientExport {
    if (this.#finished) throw new DeidExportError('the cohort export is finished; start a new one');
    const where = `patients[${this.#patients.length}]`;
    const key = this.#options.key;
    const found = listFhirPatients(input.resources);
    if (found.length !== 1 || found[0]!.id !== input.patientId) {
      throw new DeidExportError(`${where}.resources: expected exactly one Patient, the one named by patientId; found ${found.length} Patient(s)${found.length === 1 ? ' with another id' : ''}`);
    }
    if (this.#seenPatients.has(input.patientId)) throw new DeidExportError(`${where}: the same patient is already in this export`);
    const shared = input.sharedResources ?? [];
    shared.forEach((r, n) => {
      if (!isObject(r) || typeof r.resourceType !== 'string' || !SHARED_RESOURCE_TYPES.includes(r.resourceType)) {
        throw new DeidExportError(`${where}.sharedResources[${n}]: expected a resource of ${SHARED_RESOURCE_TYPES.join(', ')}`);
      }
    });
    let result: DeidExport;
    try {
      result = deidentifyPatientExport({
        // The shared resources go in with the record, so their names are masked in this patient's free texts too.
        resources: [...input.resources, ...shared],
        dicomFiles: (input.dicomFiles ?? []).map((f) => ({ bytes: f.bytes, patientId: input.patientId })),
        texts: (input.texts ?? []).map((t) => ({ text: t.text, patientId: input.patientId })),
        key,
        referenceDate: this.#referenceDate,
        ...(this.#options.narrative ? { narrative: this.#options.narrative } : {}),
        ...(this.#options.allowBurnedInAnnotation ? { allowBurnedInAnnotation: true } : {}),
      });
    } catch (error) {
      // The underlying error names an input by index; say which patient of the export it was.
      if (error instanceof Error) throw new DeidExportError(`${where}: ${error.message}`, { cause: error });
      throw error;
    }
    const sharedUrls = new Set(
      shared.map((r) => `urn:uuid:${pseudonymResourceId(key, String((r as { resourceType: string }).resourceType), String((r as { id?: unknown }).id))}`),
    );
    const own: Entry[] = [];
    for (const e of result.bundle.entry) {
      if (!sharedUrls.has(e.fullUrl)) own.push(e);
      else if (!this.#shared.has(e.fullUrl)) this.#shared.set(e.fullUrl, e);
    }
    const pseudonym = pseudonymResourceId(key, 'Patient', input.patientId);
    this.#seenPatients.add(input.patientId);
    this.#patients.push({ pseudonym, resources: own.length, dicomFiles: result.dicomFiles.length, texts: result.texts.length, counts: result.manifest.counts });
    return {
      pseudonym,
      bundle: { resourceType: 'Bundle', id: pseudonym, type: 'collection', entry: own },
      dicomFiles: result.dicomFiles,
      texts: result.texts,
    };
  }

  /** The shared resources (each once) and the manifest. */
  finish(): { sharedBundle: DeidExport['bundle']; manifest: CohortManifest } {
    this.#finished = true;
    const key = this.#options.key;
    const shared = [...this.#shared.values()].sort((a, b) => a.fullUrl.localeCompare(b.fullUrl));
    const counts = emptyCounts();
    for (const p of this.#patients) addAllCounts(counts, p.counts);
    const sum = (f: (p: CohortPatientManifest) => number) => this.#patients.reduce((n, p) => n + f(p), 0);
    return {
      sharedBundle: {
        resourceType: 'Bundle',
        id: key.digest('export-shared-bundle-id', shared.map((e) => e.fullUrl).join('|')).subarray(0, 16).toString('hex'),
        type: 'collection',
        entry: shared,
      },
      manifest: {
        software: { ...DEID_SOFTWARE },
        keyId: key.id,
        referenceDate: this.#referenceDate,
        profiles: PROFILES(this.#options.narrative ?? 'deidentify'),
        totals: {
          patients: this.#patients.length,
          resources: sum((p) => p.resources) + shared.length,
          sharedResources: shared.length,
          dicomFiles: sum((p) => p.dicomFiles),
          texts: sum((p) => p.texts),
        },
        counts,
        patients: [...this.#patients],
      },
    };
  }
}

/** A whole cohort in one Bundle (for small cohorts: the API's download). The patients are still handled one by one. */
export function deidentifyCohortBundle(
  patients: Iterable<CohortPatientInput>,
  options: CohortExportOptions,
): { bundle: DeidExport['bundle']; texts: { patient: string; text: string }[]; manifest: CohortManifest } {
  const exporter = new CohortDeidExporter(options);
  const entry: Entry[] = [];
  const texts: { patient: string; text: string }[] = [];
  for (const p of patients) {
    const out = exporter.addPatient(p);
    entry.push(...out.bundle.entry);
    for (const t of out.texts) texts.push({ patient: out.pseudonym, text: t.text });
  }
  const { sharedBundle, manifest } = exporter.finish();
  entry.push(...sharedBundle.entry);
  return {
    bundle: { resourceType: 'Bundle', id: options.key.digest('export-cohort-bundle-id', entry.map((e) => e.fullUrl).join('|')).subarray(0, 16).toString('hex'), type: 'collection', entry },
    texts,
    manifest,
  };
}
