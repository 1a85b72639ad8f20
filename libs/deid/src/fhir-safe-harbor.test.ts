import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeidKey } from './key';
import { FhirDeidError, deidentifyFhirResources, fhirPatientDateOffsetDays, pseudonymResourceId } from './fhir-safe-harbor';
import { daysBetween, shiftFhirDate } from './date-shift';
import { validateR4Structure } from '@oncoboard/ehr-fhir';
import { identifyingStrings, loadDemoBundle, loadDemoResources, resourcesOfPatient, structuredDates } from './test-support/demo-cohort';
import type { Json } from './test-support/demo-cohort';

// Real data: the demo cohort shipped in demo/mcode-stu4 (the mCODE STU4 IG examples, seven patients).
const KEY = new DeidKey('test-only key for the de-identification tests, 0123456789');
const OTHER_KEY = new DeidKey('another test-only key, different from the first one, 42');
const REFERENCE_DATE = '2025-06-01';
const all = loadDemoResources();
const patientIds = all.filter((r) => r.resourceType === 'Patient').map((r) => r.id as string);

const deid = (resources: unknown[], key = KEY) => deidentifyFhirResources(resources, { key, referenceDate: REFERENCE_DATE });
let cohortOnce: ReturnType<typeof deid> | undefined;
/** The whole demo cohort de-identified in one call (shared by the tests that only read it). */
const cohort = () => (cohortOnce ??= deid(all));

/** Observations reduced to what must survive: LOINC/SNOMED codes, values and units. */
function clinicalContent(resources: Json[]): string[] {
  const codes = (cc: unknown) => ((cc as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []).map((c) => `${c.system}|${c.code}`).join(',');
  return resources
    .filter((r) => r.resourceType === 'Observation')
    .map((o) => JSON.stringify([codes(o.code), o.valueQuantity ?? null, codes(o.valueCodeableConcept), o.valueInteger ?? null, o.valueBoolean ?? null, ((o.component as Json[] | undefined) ?? []).map((c) => [codes(c.code), c.valueQuantity ?? null, codes(c.valueCodeableConcept)])]))
    .sort();
}

describe('FHIR Safe Harbor on the demo cohort', () => {
  beforeAll(() => {
    expect(patientIds).toHaveLength(7);
  });
  afterEach(() => vi.restoreAllMocks());

  it('leaves no identifying string of any demo patient in that patient’s export', () => {
    for (const id of patientIds) {
      const original = resourcesOfPatient(all, id);
      const out = deid(original);
      const text = JSON.stringify(out.resources).toLowerCase();
      const { strings, dates } = identifyingStrings(original);
      expect(strings.size).toBeGreaterThan(5);
      const leaked = [...strings].filter((s) => text.includes(s.toLowerCase()));
      expect(leaked, `patient ${id}`).toEqual([]);
      // A full-precision date may show up only as the shifted image of another date of the same patient.
      const offset = fhirPatientDateOffsetDays(KEY, id);
      const shifted = new Set([...dates].map((d) => shiftFhirDate(d, offset)));
      const leakedDates = [...dates].filter((d) => text.includes(d) && !shifted.has(d));
      expect(leakedDates, `patient ${id}`).toEqual([]);
      expect(dates.size).toBeGreaterThan(0);
    }
  });

  it('keeps the clinical content: same Observations with the same codes, values and units', () => {
    for (const id of patientIds) {
      const original = resourcesOfPatient(all, id);
      const out = deid(original);
      expect(out.resources.map((r) => r.resourceType)).toEqual(original.map((r) => r.resourceType));
      expect(clinicalContent(out.resources)).toEqual(clinicalContent(original));
    }
    const jenny = deid(resourcesOfPatient(all, 'cancer-patient-jenny-m')).resources;
    const loinc = jenny.filter((r) => r.resourceType === 'Observation').flatMap((o) => ((o.code as Json).coding as Json[]).filter((c) => c.system === 'http://loinc.org').map((c) => c.code));
    expect(loinc).toContain('8302-2'); // body height
  });

  it('shifts every date of a patient by the same offset, so intervals are kept exactly', () => {
    for (const id of ['cancer-patient-jenny-m', 'cancer-patient-john-anyperson', 'cancer-patient-brian-l']) {
      const original = resourcesOfPatient(all, id);
      const out = deid(original);
      const offset = fhirPatientDateOffsetDays(KEY, id);
      expect(offset).not.toBe(0);
      const before = original.flatMap(structuredDates);
      const after = out.resources.flatMap(structuredDates);
      expect(after).toHaveLength(before.length);
      before.forEach((d, n) => expect(daysBetween(d, after[n]!)).toBe(offset));
      // the interval between the first and the last date of the patient is unchanged
      const sorted = [...before].sort();
      const sortedAfter = [...after].sort();
      expect(daysBetween(sortedAfter[0]!, sortedAfter.at(-1)!)).toBe(daysBetween(sorted[0]!, sorted.at(-1)!));
    }
  });

  it('gives different patients different offsets', () => {
    const offsets = patientIds.map((id) => fhirPatientDateOffsetDays(KEY, id));
    expect(new Set(offsets).size).toBeGreaterThan(1);
    expect(fhirPatientDateOffsetDays(KEY, 'cancer-patient-jenny-m')).not.toBe(fhirPatientDateOffsetDays(KEY, 'cancer-patient-john-anyperson'));
  });

  it('is deterministic for one key, and another key gives other pseudonyms and offsets', () => {
    const original = resourcesOfPatient(all, 'cancer-patient-jenny-m');
    const a = deid(original);
    const b = deid(structuredClone(original));
    expect(JSON.stringify(b.resources)).toBe(JSON.stringify(a.resources));
    const c = deid(original, OTHER_KEY);
    const patientA = a.resources.find((r) => r.resourceType === 'Patient')!;
    const patientC = c.resources.find((r) => r.resourceType === 'Patient')!;
    expect(patientC.id).not.toBe(patientA.id);
    expect((patientC.identifier as Json[])[0]!.value).not.toBe((patientA.identifier as Json[])[0]!.value);
    expect(fhirPatientDateOffsetDays(OTHER_KEY, 'cancer-patient-jenny-m')).not.toBe(fhirPatientDateOffsetDays(KEY, 'cancer-patient-jenny-m'));
  });

  it('re-points references to the pseudonymous ids, consistently across a whole cohort', () => {
    const out = cohort();
    const ids = new Set(out.resources.map((r) => `${r.resourceType as string}/${r.id as string}`));
    const refs = JSON.stringify(out.resources).match(/"reference":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(100);
    const dangling = refs.map((r) => r.slice(13, -1)).filter((r) => !ids.has(r));
    // Only references to resources that are not in the demo folder may dangle (none of them to a Patient).
    expect(dangling.filter((r) => r.startsWith('Patient/'))).toEqual([]);
    expect(out.resources.find((r) => r.resourceType === 'Patient' && r.id === pseudonymResourceId(KEY, 'Patient', 'cancer-patient-jenny-m'))).toBeDefined();
    // the same MRN gets the same pseudonym in the cohort and in a one-patient export
    const mrn = (rs: Json[]) => (rs.find((r) => r.id === pseudonymResourceId(KEY, 'Patient', 'cancer-patient-jenny-m'))!.identifier as Json[])[0]!.value;
    expect(mrn(out.resources)).toBe(mrn(deid(resourcesOfPatient(all, 'cancer-patient-jenny-m')).resources));
    expect(out.report.counts.namesRemoved).toBeGreaterThanOrEqual(7);
    expect(out.report.patients).toBe(7);
  });

  it('keeps the output structurally valid R4 (no new structural errors)', () => {
    const errors = (r: unknown) => validateR4Structure(r).filter((i) => i.severity === 'error').map((i) => i.expression);
    const out = cohort();
    out.resources.forEach((r, n) => expect(errors(r), `${all[n]!.resourceType as string}`).toEqual(errors(all[n])));
  });

  it('rewrites a demo Bundle: fullUrls, ids and references agree', () => {
    const bundle = loadDemoBundle('Bundle-mcode-patient-bundle-jenny-m.json');
    const out = deid([bundle]).resources[0]!;
    const entries = out.entry as { fullUrl: string; resource: Json }[];
    expect(entries).toHaveLength((bundle.entry as unknown[]).length);
    for (const e of entries) expect(e.fullUrl).toBe(`urn:uuid:${e.resource.id as string}`);
    const ids = new Set(entries.map((e) => `${e.resource.resourceType as string}/${e.resource.id as string}`));
    const refs = (JSON.stringify(out).match(/"reference":"([^"]+)"/g) ?? []).map((r) => r.slice(13, -1));
    expect(refs.filter((r) => r.startsWith('Patient/')).every((r) => ids.has(r))).toBe(true);
    const text = JSON.stringify(out).toLowerCase();
    for (const s of identifyingStrings((bundle.entry as { resource: Json }[]).map((e) => e.resource)).strings) expect(text.includes(s.toLowerCase()), s).toBe(false);
    expect(text).not.toContain('example.org');
  });

  it('shifts each entry of a cohort Bundle by its own patient’s offset', () => {
    const ids = ['cancer-patient-jenny-m', 'cancer-patient-brian-l'];
    const entries = ids.flatMap((id) => resourcesOfPatient(all, id));
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: entries.map((resource) => ({ fullUrl: `http://example.org/fhir/${resource.resourceType as string}/${resource.id as string}`, resource })) };
    const out = deid([bundle]).resources[0]!;
    const outEntries = (out.entry as { resource: Json }[]).map((e) => e.resource);
    entries.forEach((original, n) => {
      const id = ids.find((p) => resourcesOfPatient(all, p).includes(original))!;
      const before = structuredDates(original);
      const after = structuredDates(outEntries[n]!);
      before.forEach((d, k) => expect(daysBetween(d, after[k]!)).toBe(fhirPatientDateOffsetDays(KEY, id)));
    });
  });

  it('writes nothing to the console', () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
    deid(all);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('names the input index, never a value, in its errors', () => {
    let message = '';
    try {
      deid([all[0], { name: 'Jenny M', birthDate: '1965-01-01' }]);
    } catch (err) {
      expect(err).toBeInstanceOf(FhirDeidError);
      message = (err as Error).message;
    }
    expect(message).toBe('resources[1]: expected a FHIR resource (an object with a resourceType), found object');
  });
});

describe('FHIR Safe Harbor special rules', () => {
  const patient = {
    resourceType: 'Patient', id: 'old-patient-1', birthDate: '1925-03-04',
    name: [{ family: 'Oldfellow', given: ['Winifred'] }],
    photo: [{ contentType: 'image/jpeg', data: 'AAAA' }],
    address: [{ line: ['1 Harbour Road'], city: 'Smalltown', district: 'Kent County', state: 'ME', postalCode: '04001', country: 'US' }],
    telecom: [{ system: 'phone', value: '(207) 555-0199' }],
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' }],
    contained: [{ resourceType: 'Organization', id: 'org1', name: 'Harbour Clinic' }],
    managingOrganization: { reference: '#org1', display: 'Harbour Clinic' },
  };
  const report = {
    resourceType: 'DiagnosticReport', id: 'report-1', status: 'final', code: { text: 'Pathology report' },
    subject: { reference: 'Patient/old-patient-1', display: 'Winifred Oldfellow' },
    effectiveDateTime: '2024-02-29T08:30:00-05:00',
    conclusion: 'Winifred Oldfellow (MRN: 99887766), 99-year-old, seen 02/28/2024 by Dr. Alvarez.',
    presentedForm: [
      { contentType: 'text/plain', data: Buffer.from('Patient: OLDFELLOW, WINIFRED seen on March 1, 2024; call (207) 555-0199.').toString('base64') },
      { contentType: 'application/pdf', data: 'JVBERi0=', url: 'https://emr.example.org/reports/1.pdf' },
    ],
  };
  const history = {
    resourceType: 'FamilyMemberHistory', id: 'fmh-1', status: 'completed', patient: { reference: 'Patient/old-patient-1' },
    relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] },
    name: 'Agatha Oldfellow', ageAge: { value: 97, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
  };
  const device = { resourceType: 'Device', id: 'dev-1', serialNumber: 'SN-0042-XY', lotNumber: 'LOT7', patient: { reference: 'Patient/old-patient-1' } };
  const out = deidentifyFhirResources([patient, report, history, device], { key: KEY, referenceDate: REFERENCE_DATE });
  const [p, r, h, d] = out.resources as [Json, Json, Json, Json];

  it('removes the birth date of a patient over 89 (marked masked) and aggregates ages over 89', () => {
    expect(p.birthDate).toBeUndefined();
    expect(p._birthDate).toEqual({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }] });
    expect(h.ageAge).toEqual({ value: 90, comparator: '>=', unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' });
    expect(out.report.counts.birthDatesOver89Removed).toBe(1);
    expect(out.report.counts.agesOver89Aggregated).toBe(1);
    expect(r.conclusion).toContain('90+-year-old');
  });

  it('removes names, photos, telecom, sub-state geography and device serials; keeps state and country', () => {
    expect(p.name).toBeUndefined();
    expect(p.photo).toBeUndefined();
    expect(p.telecom).toBeUndefined();
    expect(p.address).toEqual([{ state: 'ME', country: 'US' }]);
    expect(d.serialNumber).toBeUndefined();
    expect(d.lotNumber).toBeUndefined();
    expect(h.name).toBeUndefined(); // a relative's name
  });

  it('pseudonymizes identifiers and local ids consistently, and masks free text and text attachments', () => {
    const identifier = (p.identifier as Json[])[0]!;
    expect(identifier.system).toBe('http://hl7.org/fhir/sid/us-ssn');
    expect(identifier.value).toMatch(/^[A-Z2-7]{16}$/);
    const contained = (p.contained as Json[])[0]!;
    expect((p.managingOrganization as Json).reference).toBe(`#${contained.id as string}`);
    expect(contained.id).not.toBe('org1');
    expect(r.effectiveDateTime).toBe(shiftFhirDate('2024-02-29T08:30:00-05:00', fhirPatientDateOffsetDays(KEY, 'old-patient-1')));
    const forms = r.presentedForm as Json[];
    const plain = Buffer.from(forms[0]!.data as string, 'base64').toString('utf8');
    expect(plain).toMatch(/^Patient: \[NAME\] seen on .+; call \[PHONE\]\.$/);
    expect(forms[0]!.size).toBe(Buffer.byteLength(plain));
    expect(forms[1]).toEqual({ contentType: 'application/pdf' });
    const all = JSON.stringify(out.resources);
    for (const s of ['Winifred', 'Oldfellow', 'OLDFELLOW', 'Agatha', 'Harbour Road', 'Smalltown', 'Kent County', '04001', '555-0199', '123-45-6789', '99887766', 'Alvarez', 'emr.example.org', '1925', 'SN-0042']) expect(all, s).not.toContain(s);
  });

  it('can drop narratives instead of de-identifying them', () => {
    const jenny = all.find((x) => x.id === 'cancer-patient-jenny-m')!;
    const dropped = deidentifyFhirResources([jenny], { key: KEY, referenceDate: REFERENCE_DATE, narrative: 'drop' });
    expect(dropped.resources[0]!.text).toBeUndefined();
    expect(dropped.report.counts.narrativesDropped).toBe(1);
  });
});
