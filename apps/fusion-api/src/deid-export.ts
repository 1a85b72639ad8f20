// `oncoboard deid-export`: patients' records, de-identified (libs/deid) — each patient's FHIR resources by HIPAA
// Safe Harbor with their own date shift, the DICOM files of their imported series by the PS3.15 Basic Profile
// (Modified Dates Option, same shift), their report texts masked; the Practitioners/Organizations they reference
// once, under keyed pseudonyms — written to a new folder with a manifest (rules applied and counts per patient
// pseudonym; the key's fingerprint, never the key). The key comes only from ONCOBOARD_DEID_KEY.
//
// One patient at a time (memory holds one record), into a temporary folder beside the target that is renamed at
// the end: an error for any patient names that patient's key and leaves no export, partial or whole.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { recordAuditEvents } from '@oncoboard/auth';
import { CohortDeidExporter, loadDeidKey, referencedSharedResources, type CohortPatientInput } from '@oncoboard/deid';
import { openStore, resolveDatabaseUrl, type Store } from '@oncoboard/store';
import { cliActor } from './cli-users';

export const DEID_EXPORT_USAGE = 'deid-export (--patient <Patient/id> ... | --all-patients | --board <board-id>) --out <new-folder>   (needs ONCOBOARD_DEID_KEY)';

export type DeidSelection = { patients: string[] } | { allPatients: true } | { boardId: string };

export interface DeidExportProgress {
  /** 1-based position of the patient in the export. */
  done: number;
  total: number;
  /** The patient's pseudonym (what the export calls them): progress lines never show a real identifier. */
  pseudonym: string;
  resources: number;
  dicomFiles: number;
  texts: number;
}

export interface DeidExportSummary {
  patients: number;
  resources: number;
  sharedResources: number;
  dicomFiles: number;
  texts: number;
  out: string;
}

export class DeidExportCommandError extends Error {
  override name = 'DeidExportCommandError';
}

const PATIENT_KEY = /^Patient\/[A-Za-z0-9\-.]{1,64}$/;

/** The patient keys of a selection, in a stable order; errors name what was not found. */
export async function selectPatients(store: Store, selection: DeidSelection): Promise<string[]> {
  if ('patients' in selection) {
    for (const key of selection.patients) if (!PATIENT_KEY.test(key)) throw new DeidExportCommandError(`--patient ${key}: expected a patient key like "Patient/<id>"`);
    return [...new Set(selection.patients)];
  }
  if ('allPatients' in selection) return (await store.prisma.patient.findMany({ select: { key: true }, orderBy: { key: 'asc' } })).map((p) => p.key);
  const board = await store.prisma.tumorBoard.findUnique({ where: { id: selection.boardId }, select: { id: true } });
  if (!board) throw new DeidExportCommandError(`--board ${selection.boardId}: no such tumor board in the store`);
  const cases = await store.prisma.boardCase.findMany({ where: { boardId: selection.boardId }, select: { patientKey: true }, orderBy: { position: 'asc' } });
  return [...new Set(cases.map((c) => c.patientKey))];
}

/** One patient's record as the exporter takes it: FHIR resources, the shared resources they reference, report texts and (optionally) DICOM files. */
export async function loadPatientForDeid(store: Store, patientKey: string, opts: { dicom: boolean }): Promise<CohortPatientInput> {
  const resources = (await store.listPatientRecords(patientKey, 'fhir-resource')).map((r) => JSON.parse(r.content) as unknown);
  const patientId = patientKey.slice('Patient/'.length);
  const own = await store.getSourceRecord(`fhir/${patientKey}`);
  if (own && !resources.some((r) => (r as { resourceType?: string; id?: string }).resourceType === 'Patient')) resources.unshift(JSON.parse(own.record.content) as unknown);
  if (!resources.some((r) => (r as { resourceType?: string; id?: string }).resourceType === 'Patient' && (r as { id?: string }).id === patientId)) {
    throw new DeidExportCommandError(`${patientKey}: no Patient resource in the store; import the patient's FHIR record first`);
  }
  const sharedResources: unknown[] = [];
  for (const ref of referencedSharedResources(resources)) {
    const found = await store.getSourceRecord(`fhir/${ref}`);
    if (found) sharedResources.push(JSON.parse(found.record.content) as unknown);
  }
  const texts = (await store.listPatientRecords(patientKey, 'report-text')).map((r) => ({ text: r.content }));
  const dicomFiles: { bytes: Uint8Array }[] = [];
  if (opts.dicom) {
    for (const series of await store.listPatientRecords(patientKey, 'dicom-series')) {
      const { files } = JSON.parse(series.content) as { files: { path: string }[] };
      for (const f of files) {
        if (!existsSync(f.path)) throw new DeidExportCommandError(`${patientKey}: ${series.key}: a DICOM file of the series is gone (${f.path}); re-import the series or export without it`);
        dicomFiles.push({ bytes: new Uint8Array(readFileSync(f.path)) });
      }
    }
  }
  return { patientId, resources, sharedResources, texts, dicomFiles };
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export async function exportDeidentifiedCohort(
  store: Store,
  selection: DeidSelection,
  outArg: string,
  opts: { env?: Record<string, string | undefined>; onProgress?: (p: DeidExportProgress) => void } = {},
): Promise<DeidExportSummary> {
  const out = resolve(outArg);
  if (existsSync(out) && readdirSync(out).length > 0) throw new DeidExportCommandError(`${outArg}: expected a new or empty folder (an export never mixes with other files)`);
  if (!existsSync(dirname(out))) throw new DeidExportCommandError(`${outArg}: expected a folder in an existing folder, found no folder ${dirname(out)}`);
  const key = loadDeidKey(opts.env ?? process.env);
  const patientKeys = await selectPatients(store, selection);
  if (patientKeys.length === 0) throw new DeidExportCommandError('deid-export: the selection holds no patient');
  const exporter = new CohortDeidExporter({ key });
  // Beside the target (same file system, so the final rename is atomic); hidden, and named as unfinished.
  const temp = join(dirname(out), `.${basename(out)}.partial-${randomBytes(6).toString('hex')}`);
  mkdirSync(temp);
  try {
    for (const [n, patientKey] of patientKeys.entries()) {
      let done;
      try {
        done = exporter.addPatient(await loadPatientForDeid(store, patientKey, { dicom: true }));
      } catch (error) {
        // The key names the patient to the operator; the library's message names the place, never a value.
        const message = error instanceof Error ? error.message.replace(/^patients\[\d+\]:? ?/, '') : String(error);
        throw new DeidExportCommandError(message.startsWith(`${patientKey}:`) ? message : `${patientKey}: ${message}`);
      }
      const dir = join(temp, 'patients', done.pseudonym);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'bundle.json'), json(done.bundle));
      done.texts.forEach((t, i) => {
        mkdirSync(join(dir, 'texts'), { recursive: true });
        writeFileSync(join(dir, 'texts', `report-${i + 1}.txt`), t.text);
      });
      for (const f of done.dicomFiles) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.bytes);
      }
      opts.onProgress?.({ done: n + 1, total: patientKeys.length, pseudonym: done.pseudonym, resources: done.bundle.entry.length, dicomFiles: done.dicomFiles.length, texts: done.texts.length });
    }
    const { sharedBundle, manifest } = exporter.finish();
    mkdirSync(join(temp, 'shared'));
    writeFileSync(join(temp, 'shared', 'bundle.json'), json(sharedBundle));
    writeFileSync(join(temp, 'manifest.json'), json(manifest));
    // Audited before the export appears: a crash between the two over-reports, never hides, an export.
    const actor = cliActor();
    await recordAuditEvents(
      store.prisma,
      patientKeys.map((patientKey) => ({ action: 'E' as const, operation: 'cli:deid-export', outcome: '0' as const, user: actor, patientKey, entities: [patientKey] })),
    );
    if (existsSync(out)) rmdirSync(out); // empty (checked above)
    renameSync(temp, out);
    return {
      patients: manifest.totals.patients,
      resources: manifest.totals.resources,
      sharedResources: manifest.totals.sharedResources,
      dicomFiles: manifest.totals.dicomFiles,
      texts: manifest.totals.texts,
      out,
    };
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** `oncoboard deid-export ...`: parses its own options (several --patient). Exit 0 done, 1 failed (nothing written). */
export async function runDeidExportCommand(args: string[]): Promise<number> {
  let selection: DeidSelection;
  let outArg: string;
  try {
    const { values } = parseArgs({
      args,
      allowPositionals: false,
      options: { patient: { type: 'string', multiple: true }, 'all-patients': { type: 'boolean', default: false }, board: { type: 'string' }, out: { type: 'string' } },
    });
    const chosen = [values.patient?.length ? 1 : 0, values['all-patients'] ? 1 : 0, values.board ? 1 : 0].reduce((a, b) => a + b, 0);
    if (chosen !== 1) throw new Error('expected one of --patient <Patient/id> (repeatable), --all-patients or --board <board-id>');
    if (!values.out) throw new Error('expected --out <new-folder>');
    outArg = values.out;
    selection = values.patient?.length ? { patients: values.patient } : values['all-patients'] ? { allPatients: true } : { boardId: values.board! };
  } catch (e) {
    console.error(`oncoboard deid-export: ${(e as Error).message}\nusage: oncoboard ${DEID_EXPORT_USAGE}`);
    return 1;
  }
  const store = await openStore({ databaseUrl: resolveDatabaseUrl() });
  try {
    const started = performance.now();
    const done = await exportDeidentifiedCohort(store, selection, outArg, {
      onProgress: (p) => console.error(`deid-export patient ${p.done}/${p.total} → ${p.pseudonym}: ${p.resources} resources, ${p.dicomFiles} DICOM files, ${p.texts} report texts`),
    });
    console.log(
      `de-identified ${done.patients} patients: ${done.resources} resources (${done.sharedResources} shared), ${done.dicomFiles} DICOM files, ${done.texts} report texts ` +
        `into ${done.out} in ${((performance.now() - started) / 1000).toFixed(1)} s (see manifest.json)`,
    );
    return 0;
  } catch (error) {
    console.error(`oncoboard deid-export: ${(error as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}
