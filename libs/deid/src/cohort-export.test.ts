import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import dicomParser from 'dicom-parser';
import { syntheticCtPhantom, writeDicomSeries } from '@oncoboard/imaging/testing';
import { DeidKey } from './key';
import { CohortDeidExporter, deidentifyCohortBundle, referencedSharedResources, type CohortPatientExport, type CohortPatientInput } from './cohort-export';
import { fhirPatientDateOffsetDays, pseudonymResourceId } from './fhir-safe-harbor';
import { daysBetween, shiftFhirDate } from './date-shift';
import { parseDicomTree, textValue, writeDicomTree } from './dicom/dicom-tree';
import { identifyingStrings, loadDemoResources, structuredDates, type Json } from './test-support/demo-cohort';

// The whole committed demo cohort (demo/mcode-stu4: every Patient, its resources and the Practitioners and
// Organizations they reference), plus a phantom CT series and a synthetic report per patient, exported as one
// cohort. Every byte of the output is then scanned as text for what must not survive.
const KEY = new DeidKey('test-only cohort export key, long enough: 0123456789');
const all = loadDemoResources();
const byRef = new Map(all.map((r) => [`${String(r.resourceType)}/${String(r.id)}`, r]));
const work = mkdtempSync(join(tmpdir(), 'deid-cohort-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const REF = /"reference":"Patient\/([^"]+)"/g;
/** The resources of one patient: its Patient and those that reference it and no other patient (the Group of all patients is no one's). */
function ownResources(patientId: string): Json[] {
  return all.filter((r) => {
    if (r.resourceType === 'Patient') return r.id === patientId;
    const patients = new Set([...JSON.stringify(r).matchAll(REF)].map((m) => m[1]));
    return patients.size === 1 && patients.has(patientId);
  });
}

function phantom(patientId: string, mrn: string, name: string, date: string): { bytes: Uint8Array }[] {
  const { image } = syntheticCtPhantom({ size: 16, slices: 2, pixelMm: 2, sliceMm: 2, lesionMl: 0.1 });
  return writeDicomSeries(image, join(work, `${patientId}-${date}`), `cohort-${patientId}`, { date }).map((file) => {
    const tree = parseDicomTree(readFileSync(file), file);
    tree.dataset = tree.dataset.filter((n) => n.tag !== 0x00100010 && n.tag !== 0x00100020);
    tree.dataset.push({ tag: 0x00100010, vr: 'PN', value: textValue(name) }, { tag: 0x00100020, vr: 'LO', value: textValue(mrn) });
    return { bytes: writeDicomTree(tree) };
  });
}

const patientIds = all.filter((r) => r.resourceType === 'Patient').map((r) => String(r.id)).sort();
const DICOM_DATE = '20190611';
function cohortInput(): CohortPatientInput[] {
  return patientIds.map((id) => {
    const resources = ownResources(id);
    const patient = resources.find((r) => r.resourceType === 'Patient')!;
    const name = (patient.name as { given?: string[]; family?: string }[] | undefined)?.[0];
    const mrn = String((patient.identifier as { value?: string }[] | undefined)?.[0]?.value ?? 'none');
    const fullName = `${name?.given?.[0] ?? ''} ${name?.family ?? ''}`.trim();
    return {
      patientId: id,
      resources,
      sharedResources: referencedSharedResources(resources).map((ref) => byRef.get(ref)).filter((r): r is Json => r !== undefined),
      dicomFiles: phantom(id, mrn, `${name?.family ?? 'X'}^${name?.given?.[0] ?? 'Y'}`, DICOM_DATE),
      texts: [{ text: `Seen 2019-06-11 and again on 06/25/2019: ${fullName} (MRN: ${mrn}), seen by Dr. Owen Oncologist.` }],
    };
  });
}

/** What leaves the platform, as one text: every bundle, text, DICOM file (bytes as latin1) and the manifest. */
function exportAll(inputs: CohortPatientInput[]) {
  const exporter = new CohortDeidExporter({ key: KEY, referenceDate: '2025-06-01' });
  const perPatient: CohortPatientExport[] = inputs.map((p) => exporter.addPatient(p));
  const { sharedBundle, manifest } = exporter.finish();
  const text = [
    ...perPatient.flatMap((p) => [JSON.stringify(p.bundle), JSON.stringify(p.texts), ...p.dicomFiles.map((f) => `${f.path}${Buffer.from(f.bytes).toString('latin1')}`)]),
    JSON.stringify(sharedBundle),
    JSON.stringify(manifest),
  ].join('\n');
  return { perPatient, sharedBundle, manifest, text };
}

const inputs = cohortInput();
const out = exportAll(inputs);

describe('CohortDeidExporter on the demo cohort', () => {
  it('exports every demo patient, with several resources each, and the shared Practitioners once', () => {
    expect(patientIds.length).toBeGreaterThanOrEqual(7);
    expect(out.perPatient).toHaveLength(patientIds.length);
    expect(out.manifest.totals.patients).toBe(patientIds.length);
    const owen = pseudonymResourceId(KEY, 'Practitioner', 'us-core-practitioner-owen-oncologist');
    expect(out.sharedBundle.entry.filter((e) => e.resource.id === owen)).toHaveLength(1);
    // Owen is referenced by Jenny's and John's records, with the same pseudonymous reference in both.
    for (const id of ['cancer-patient-jenny-m', 'cancer-patient-john-anyperson']) {
      const p = out.perPatient[patientIds.indexOf(id)]!;
      expect(JSON.stringify(p.bundle)).toContain(`"reference":"Practitioner/${owen}"`);
      expect(p.bundle.entry.some((e) => e.resource.resourceType === 'Practitioner'), 'shared resources stay out of the patient bundles').toBe(false);
    }
    const sharedInputs = new Set(inputs.flatMap((p) => (p.sharedResources ?? []).map((r) => `${String((r as Json).resourceType)}/${String((r as Json).id)}`)));
    expect(out.sharedBundle.entry).toHaveLength(sharedInputs.size);
    expect(out.manifest.totals.sharedResources).toBe(sharedInputs.size);
  });

  it('leaves no name, identifier, birth date, address, phone, email or resource id of any demo patient anywhere in the output', () => {
    const everything = out.text.toLowerCase();
    // As a whole word: "Eve" inside "every" or "Nancy" inside "pregnancy" is no leak.
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const holdsIn = (text: string, s: string) => new RegExp(`(?<![a-z0-9])${escape(s.toLowerCase())}(?![a-z0-9])`).test(text);
    const holds = (s: string) => holdsIn(everything, s);
    const leaks: string[] = [];
    const checked = new Set<string>();
    for (const p of inputs) {
      const own = identifyingStrings([...(p.resources as Json[]), ...(p.sharedResources as Json[])]);
      for (const s of own.strings) {
        checked.add(s);
        if (holds(s)) leaks.push(s);
      }
      const patient = (p.resources as Json[]).find((r) => r.resourceType === 'Patient')!;
      if (typeof patient.birthDate === 'string') {
        checked.add(patient.birthDate);
        if (everything.includes(patient.birthDate) || everything.includes(patient.birthDate.replaceAll('-', ''))) leaks.push(`birthDate of ${p.patientId}`);
      }
    }
    // Practitioners' names too (the library removes every HumanName, not only the patient's; an Organization's name is a string and stays).
    const practitioners = out.sharedBundle.entry.filter((e) => e.resource.resourceType === 'Practitioner');
    expect(practitioners.length).toBeGreaterThanOrEqual(5);
    for (const r of practitioners) expect(r.resource.name).toBeUndefined();
    for (const word of ['Owen', 'Oncologist', 'Kyle', 'Anydoc', 'Nancy']) if (holds(word)) leaks.push(word);
    expect(leaks).toEqual([]);
    expect(checked.size).toBeGreaterThan(100); // the check covered real strings, not an empty list
    // and it finds them where they are: in the input, nearly all of them
    const input = JSON.stringify(inputs.map((p) => [p.resources, p.sharedResources])).toLowerCase();
    expect([...checked].filter((s) => holdsIn(input, s)).length).toBeGreaterThan(checked.size * 0.9);
    expect(everything).not.toContain('test-only cohort export key');
  });

  it('leaves no unshifted date: every original date is gone unless it is also some shifted date of the export', () => {
    const shifted = new Set<string>();
    const originals = new Set<string>();
    for (const p of inputs) {
      const offset = fhirPatientDateOffsetDays(KEY, p.patientId);
      for (const d of identifyingStrings(p.resources as Json[]).dates) {
        originals.add(d);
        shifted.add(shiftFhirDate(d, offset)!);
      }
      shifted.add(shiftFhirDate('2019-06-11', offset)!);
      shifted.add(shiftFhirDate('2019-06-25', offset)!);
    }
    originals.add('2019-06-11');
    originals.add('2019-06-25');
    const collisions = [...originals].filter((d) => shifted.has(d));
    const compact = (d: string) => d.replaceAll('-', '');
    const us = (d: string) => `${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(0, 4)}`;
    const survivors = [...originals].filter((d) => !shifted.has(d)).filter((d) => out.text.includes(d) || out.text.includes(compact(d)) || out.text.includes(us(d)));
    expect(survivors).toEqual([]);
    expect(originals.size).toBeGreaterThan(50);
    expect(collisions.length, 'original dates that another shift happens to produce (not checkable)').toBeLessThan(originals.size / 10);
  });

  it('shifts each patient by their own offset, keeping every interval between their dates (FHIR, DICOM, text)', () => {
    const offsets = new Set(patientIds.map((id) => fhirPatientDateOffsetDays(KEY, id)));
    expect(offsets.size, 'patients do not share one offset').toBeGreaterThan(1);
    let pairs = 0;
    inputs.forEach((p, n) => {
      const offset = fhirPatientDateOffsetDays(KEY, p.patientId);
      const exported = new Map(out.perPatient[n]!.bundle.entry.map((e) => [String(e.resource.id), e.resource as Json]));
      for (const original of p.resources as Json[]) {
        const after = exported.get(pseudonymResourceId(KEY, String(original.resourceType), String(original.id)));
        expect(after, `${String(original.resourceType)} of patients[${n}] exported`).toBeDefined();
        const before = structuredDates(original);
        const moved = structuredDates(after!);
        if (original.resourceType === 'Patient' && moved.length < before.length) continue; // birth date of a 90+ patient removed
        expect(moved).toHaveLength(before.length);
        before.forEach((d, k) => {
          expect(daysBetween(d, moved[k]!)).toBe(offset);
          pairs++;
        });
      }
      const studyDate = dicomParser.parseDicom(out.perPatient[n]!.dicomFiles[0]!.bytes).string('x00080020')!;
      expect(daysBetween('2019-06-11', `${studyDate.slice(0, 4)}-${studyDate.slice(4, 6)}-${studyDate.slice(6, 8)}`)).toBe(offset);
      const text = out.perPatient[n]!.texts[0]!.text;
      const a = /Seen (\d{4}-\d{2}-\d{2})/.exec(text)![1]!;
      const b = /again on (\d{2})\/(\d{2})\/(\d{4})/.exec(text)!;
      expect(daysBetween('2019-06-11', a)).toBe(offset);
      expect(daysBetween(a, `${b[3]}-${b[1]}-${b[2]}`)).toBe(14);
    });
    expect(pairs).toBeGreaterThan(100);
  });

  it('keeps references between exported resources resolvable', () => {
    const exported = new Set([...out.perPatient.flatMap((p) => p.bundle.entry), ...out.sharedBundle.entry].map((e) => `${String(e.resource.resourceType)}/${String(e.resource.id)}`));
    // Every reference of the input whose target was exported too must point at that target's pseudonymous id.
    const inputRefs = new Set<string>();
    const exportedInputs = new Set(inputs.flatMap((p) => [...(p.resources as Json[]), ...(p.sharedResources as Json[])]).map((r) => `${String(r.resourceType)}/${String(r.id)}`));
    for (const p of inputs) for (const m of JSON.stringify([p.resources, p.sharedResources]).matchAll(/"reference":"([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]+)"/g)) inputRefs.add(`${m[1]}/${m[2]}`);
    const internal = [...inputRefs].filter((r) => exportedInputs.has(r));
    expect(internal.length).toBeGreaterThan(10);
    for (const ref of internal) {
      const [type, id] = ref.split('/') as [string, string];
      expect(exported.has(`${type}/${pseudonymResourceId(KEY, type, id)}`), `a reference to a ${type}`).toBe(true);
    }
    const outRefs = [...out.text.matchAll(/"reference":"([A-Z][A-Za-z]+)\/([0-9a-f-]{36})"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(outRefs.filter((r) => exported.has(r)).length).toBeGreaterThan(100);
  });

  it('writes a manifest with counts per patient pseudonym and no original identifier', () => {
    const { manifest } = out;
    expect(manifest.patients.map((p) => p.pseudonym)).toEqual(patientIds.map((id) => pseudonymResourceId(KEY, 'Patient', id)));
    for (const p of manifest.patients) {
      expect(p.dicomFiles).toBe(2);
      expect(p.texts).toBe(1);
      expect(p.counts.fhir.namesRemoved).toBeGreaterThanOrEqual(1);
      expect(p.counts.textMasks.NAME).toBeGreaterThanOrEqual(1);
    }
    const sum = manifest.patients.reduce((n, p) => n + p.resources, 0);
    expect(manifest.totals.resources).toBe(sum + manifest.totals.sharedResources);
    expect(manifest.totals.dicomFiles).toBe(2 * patientIds.length);
    expect(manifest.counts.dicom.actionU).toBe(manifest.patients.reduce((n, p) => n + (p.counts.dicom.actionU ?? 0), 0));
    const text = JSON.stringify(manifest);
    for (const id of patientIds) expect(text).not.toContain(id);
    expect(text).not.toContain('Patient/');
  });

  it('names the patient by its place in the export when one fails, and refuses the same patient twice', () => {
    const exporter = new CohortDeidExporter({ key: KEY });
    exporter.addPatient(inputs[0]!);
    expect(() => exporter.addPatient(inputs[0]!)).toThrow('patients[1]: the same patient is already in this export');
    expect(() => exporter.addPatient({ ...inputs[1]!, patientId: 'someone-else' })).toThrow('patients[1].resources: expected exactly one Patient, the one named by patientId; found 1 Patient(s) with another id');
    const broken = { ...inputs[1]!, dicomFiles: [{ bytes: new Uint8Array([1, 2, 3]) }] };
    expect(() => exporter.addPatient(broken)).toThrow(/^patients\[1\]: dicomFiles\[0\]/);
    exporter.finish();
    expect(() => exporter.addPatient(inputs[1]!)).toThrow('the cohort export is finished');
  });

  it('gives one Bundle for a small cohort (the API download), with the same resources and logs nothing', () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
    const two = inputs.slice(0, 2).map((p) => ({ ...p, dicomFiles: [] }));
    const one = deidentifyCohortBundle(two, { key: KEY, referenceDate: '2025-06-01' });
    expect(one.bundle.entry).toHaveLength(one.manifest.totals.resources);
    expect(new Set(one.bundle.entry.map((e) => e.fullUrl)).size).toBe(one.bundle.entry.length);
    expect(one.texts.map((t) => t.patient)).toEqual(one.manifest.patients.map((p) => p.pseudonym));
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });
});
