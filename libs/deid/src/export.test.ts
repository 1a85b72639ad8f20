import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import dicomParser from 'dicom-parser';
import { syntheticCtPhantom, writeDicomSeries } from '@oncoboard/imaging/testing';
import { DeidKey } from './key';
import { DeidExportError, deidentifyPatientExport } from './export';
import { fhirPatientDateOffsetDays, pseudonymResourceId } from './fhir-safe-harbor';
import { daysBetween } from './date-shift';
import { parseDicomTree, textValue, writeDicomTree } from './dicom/dicom-tree';
import { identifyingStrings, loadDemoResources, resourcesOfPatient } from './test-support/demo-cohort';

// Real data: Jenny M. of the demo cohort (demo/mcode-stu4), a phantom CT series written by libs/imaging whose
// PatientID is Jenny's MRN, and a synthetic report about her.
const SECRET = 'test-only export key, long enough for the rule: 0123456789';
const KEY = new DeidKey(SECRET);
const all = loadDemoResources();
const jenny = resourcesOfPatient(all, 'cancer-patient-jenny-m');
const work = mkdtempSync(join(tmpdir(), 'deid-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function phantomFiles(patientId: string, patientName: string, date: string): Uint8Array[] {
  const { image } = syntheticCtPhantom({ size: 16, slices: 3, pixelMm: 2, sliceMm: 2, lesionMl: 0.1 });
  return writeDicomSeries(image, join(work, `${patientId}-${date}`), `export-${patientId}`, { date }).map((file) => {
    const tree = parseDicomTree(readFileSync(file), file);
    tree.dataset = tree.dataset.filter((n) => n.tag !== 0x00100010 && n.tag !== 0x00100020);
    tree.dataset.push({ tag: 0x00100010, vr: 'PN', value: textValue(patientName) }, { tag: 0x00100020, vr: 'LO', value: textValue(patientId) });
    return writeDicomTree(tree);
  });
}

const REPORT = 'CT chest 2018-03-16 for Jenny M (MRN: MRN1234), DOB 01/01/1965. Call 555-867-5309. Signed by Dr. Owen Oncologist.';

const exportJenny = (key: DeidKey | undefined = KEY, env: Record<string, string | undefined> = {}) =>
  deidentifyPatientExport({ resources: jenny, dicomFiles: phantomFiles('MRN1234', 'M^JENNY', '20180316').map((bytes) => ({ bytes })), texts: [{ text: REPORT }], ...(key ? { key } : {}), env, referenceDate: '2025-06-01' });

describe('deidentifyPatientExport', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses to run without a key from configuration', () => {
    expect(() => deidentifyPatientExport({ resources: jenny, env: {} })).toThrow('ONCOBOARD_DEID_KEY is not set: de-identification needs a secret key from configuration (at least 32 characters); there is no default key');
    const fromEnv = exportJenny(undefined, { ONCOBOARD_DEID_KEY: SECRET });
    expect(fromEnv.manifest.keyId).toBe(KEY.id);
  });

  it('exports FHIR, DICOM and text of one patient with one date offset, and nothing identifying', () => {
    const out = exportJenny();
    expect(out.bundle.entry).toHaveLength(jenny.length);
    expect(out.dicomFiles).toHaveLength(3);
    const offset = fhirPatientDateOffsetDays(KEY, 'cancer-patient-jenny-m');
    // FHIR: the body weight of 2018-03-16 moved by the offset
    const originalWeight = jenny.find((r) => r.id === 'bodyweight-jenny-m-2018-03-16')!;
    const weight = out.bundle.entry.map((e) => e.resource).find((r) => r.id === pseudonymResourceId(KEY, 'Observation', 'bodyweight-jenny-m-2018-03-16'))!;
    expect(weight.valueQuantity).toEqual(originalWeight.valueQuantity);
    expect(daysBetween(String(originalWeight.effectiveDateTime).slice(0, 10), String(weight.effectiveDateTime).slice(0, 10))).toBe(offset);
    // DICOM: the same offset
    const ds = dicomParser.parseDicom(out.dicomFiles[0]!.bytes);
    const studyDate = ds.string('x00080020')!;
    expect(daysBetween('2018-03-16', `${studyDate.slice(0, 4)}-${studyDate.slice(4, 6)}-${studyDate.slice(6, 8)}`)).toBe(offset);
    expect(ds.elements.x00100010!.length).toBe(0);
    expect(out.dicomFiles[0]!.path).toMatch(/^dicom\/2\.25\.\d+\/2\.25\.\d+\/2\.25\.\d+\.dcm$/);
    // text: the same offset, the record's names and identifiers masked
    const shifted = new Date(Date.UTC(2018, 2, 16 + offset)).toISOString().slice(0, 10);
    expect(out.texts[0]!.text).toContain(`CT chest ${shifted} for [NAME] (MRN: [MRN])`);
    for (const s of ['Jenny', 'MRN1234', '555-867-5309', 'Owen', '01/01/1965']) expect(out.texts[0]!.text).not.toContain(s);
    // nothing identifying anywhere in what leaves
    const everything = `${JSON.stringify(out.bundle)}${JSON.stringify(out.texts)}${JSON.stringify(out.manifest)}${out.dicomFiles.map((f) => Buffer.from(f.bytes).toString('latin1')).join('')}`.toLowerCase();
    for (const s of identifyingStrings(jenny).strings) expect(everything.includes(s.toLowerCase()), s).toBe(false);
    expect(everything).not.toContain(SECRET.toLowerCase());
  });

  it('writes a manifest of counts, profiles, key id and version, without values', () => {
    const { manifest } = exportJenny();
    expect(manifest.software).toEqual({ name: '@oncoboard/deid', version: '0.1.0' });
    expect(manifest.keyId).toBe(KEY.id);
    expect(manifest.totals).toEqual({ patients: 1, resources: jenny.length, dicomFiles: 3, texts: 1 });
    expect(manifest.profiles.map((p) => p.id)).toEqual(['hipaa-safe-harbor', 'dicom-basic-profile', 'text-rules']);
    expect(manifest.profiles[1]!.codes).toEqual(['113100', '113107']);
    expect(manifest.counts.fhir.namesRemoved).toBe(1);
    expect(manifest.counts.fhir.datesShifted).toBeGreaterThan(20);
    expect(manifest.counts.dicom.actionU).toBe(9); // study, series, SOP instance × 3 files
    expect(manifest.counts.textMasks).toMatchObject({ NAME: 2, MRN: 1, PHONE: 1, DATE: 2 });
    // counts are numbers only
    const values = [manifest.counts.fhir, manifest.counts.dicom, manifest.counts.textMasks, manifest.counts.fhirTextMasks].flatMap((c) => Object.values(c));
    expect(values.every((v) => typeof v === 'number')).toBe(true);
  });

  it('is deterministic for one key', () => {
    const a = exportJenny();
    const b = exportJenny();
    expect(JSON.stringify(b.bundle)).toBe(JSON.stringify(a.bundle));
    expect(JSON.stringify(b.manifest)).toBe(JSON.stringify(a.manifest));
    expect(b.texts).toEqual(a.texts);
    a.dicomFiles.forEach((f, n) => expect(Buffer.compare(Buffer.from(f.bytes), Buffer.from(b.dicomFiles[n]!.bytes))).toBe(0));
    const c = exportJenny(new DeidKey('a different test-only key, 0123456789abcdef'));
    expect(c.bundle.entry[0]!.resource.id).not.toBe(a.bundle.entry[0]!.resource.id);
  });

  it('needs to know whose a file or text is when the export holds several patients', () => {
    const cohort = [...jenny, ...resourcesOfPatient(all, 'cancer-patient-john-anyperson'), ...resourcesOfPatient(all, 'cancer-patient-adam-everyman')];
    expect(() => deidentifyPatientExport({ resources: cohort, texts: [{ text: 'note' }], key: KEY })).toThrow(new DeidExportError('texts[0]: cannot tell which patient it belongs to (3 Patients in resources); give patientId'));
    // "m123" is the MRN of both John Anyperson and Adam Everyman in the demo: ambiguous, so refused
    const johns = phantomFiles('m123', 'ANYPERSON^JOHN', '20200101').map((bytes) => ({ bytes }));
    expect(() => deidentifyPatientExport({ resources: cohort, dicomFiles: johns, key: KEY })).toThrow('dicomFiles[0]: cannot tell which patient it belongs to (3 Patients in resources, PatientID matches none of their identifiers); give patientId');
    const ok = deidentifyPatientExport({ resources: cohort, dicomFiles: johns.map((f) => ({ ...f, patientId: 'cancer-patient-john-anyperson' })), texts: [{ text: 'Jenny M seen 2019-01-01', patientId: 'cancer-patient-jenny-m' }], key: KEY, referenceDate: '2025-06-01' });
    expect(ok.manifest.totals.patients).toBe(3);
    expect(ok.texts[0]!.text).not.toContain('Jenny');
    const johnDate = dicomParser.parseDicom(ok.dicomFiles[0]!.bytes).string('x00080020')!;
    expect(daysBetween('2020-01-01', `${johnDate.slice(0, 4)}-${johnDate.slice(4, 6)}-${johnDate.slice(6, 8)}`)).toBe(fhirPatientDateOffsetDays(KEY, 'cancer-patient-john-anyperson'));
  });

  it('logs nothing', () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
    exportJenny();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
