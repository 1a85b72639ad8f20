// De-identification of one DICOM Part 10 file by the PS3.15 Annex E Basic Application Level Confidentiality
// Profile with the Retain Longitudinal Temporal Information with Modified Dates Option:
//   - the actions of Table E.1-1 (./dicom/basic-profile-table.ts) on every attribute, inside sequences too;
//   - UIDs (U) replaced by 2.25.<decimal> UIDs from a keyed hash, so the same original UID maps to the same new
//     one in every file (series, study, frame of reference and references between instances stay consistent);
//   - every listed DA/DT moved by the patient's day offset (the same offset as the patient's FHIR dates), TM kept
//     (a whole-day shift keeps the time of day), so intervals between dates are kept exactly;
//   - private attributes removed (the Retain Safe Private Option is NOT implemented), curves (50xx) and overlay
//     data/comments (60xx,3000/4000) removed, group lengths dropped;
//   - PatientIdentityRemoved (0012,0062) = YES, DeidentificationMethod (0012,0063), DeidentificationMethodCode
//     Sequence (0012,0064) = 113100 + 113107, LongitudinalTemporalInformationModified (0028,0303) = MODIFIED.
// Pixel data is never changed: burned-in annotations are NOT removed (the Clean Pixel Data Option is not
// implemented); a file that declares BurnedInAnnotation (0028,0301) YES is refused unless the caller accepts it.
import type { DeidKey } from './key';
import { pseudonymUid } from './key';
import { shiftDicomDate, shiftDicomDateTime } from './date-shift';
import { BASIC_PROFILE_TABLE } from './dicom/basic-profile-table';
import type { BasicProfileAction } from './dicom/basic-profile-table';
import { DicomDeidError, EXPLICIT_VR_LITTLE_ENDIAN, decodeText, parseDicomTree, tagLabel, textValue, writeDicomTree } from './dicom/dicom-tree';
import type { DicomNode, DicomTree } from './dicom/dicom-tree';
import { DEID_SOFTWARE } from './version';

export { DicomDeidError } from './dicom/dicom-tree';

export interface DicomConfidentialityOptions {
  key: DeidKey;
  /** The patient's day offset (see fhirPatientDateOffsetDays / patientDateOffsetDays); never 0 in practice. */
  dateOffsetDays: number;
  /** Names the file in errors (default "input"); never put a patient name here. */
  label?: string;
  /** De-identify a file whose BurnedInAnnotation (0028,0301) is YES anyway (pixels are NOT cleaned). */
  allowBurnedInAnnotation?: boolean;
}

export interface DicomConfidentialityReport {
  /** Attributes handled per action code and per special rule (no values). */
  counts: Record<string, number>;
}

export interface DicomConfidentialityResult {
  /** The de-identified Part 10 file. */
  bytes: Uint8Array;
  transferSyntaxUid: string;
  /** The new (pseudonymous) UIDs. */
  sopInstanceUid: string;
  seriesInstanceUid?: string;
  studyInstanceUid?: string;
  report: DicomConfidentialityReport;
}

/** The profile and option codes (CID 7050) written into DeidentificationMethodCodeSequence. */
export const DICOM_DEID_METHOD_CODES = [
  { code: '113100', meaning: 'Basic Application Confidentiality Profile' },
  { code: '113107', meaning: 'Retain Longitudinal Temporal Information Modified Dates Option' },
] as const;

const TABLE = new Map(BASIC_PROFILE_TABLE.map(([tag, keyword, vr, action]) => [parseInt(tag, 16) >>> 0, { keyword, vr, action }]));
const DICOM_ROOT = '1.2.840.10008.';
const TEMPORAL_VRS = new Set(['DA', 'DT', 'TM']);

type Resolved = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

/**
 * The action taken for a Table E.1-1 code. The compound codes depend on whether the attribute is Type 1/2/3 in
 * the IOD, which this de-identifier does not look up; it takes the choice that keeps any IOD valid: Z when Z is
 * allowed (X/Z, X/Z/D, Z/D), else D (X/D); X/Z/U* (image references) keeps the sequence with its UIDs replaced.
 * Under the Modified Dates Option, every listed DA/DT/TM attribute is C (shifted; TM unchanged by a day shift).
 */
export function resolveAction(action: BasicProfileAction, vr: string, tag?: number): Resolved {
  // The birth date is emptied (Z) rather than shifted: with the age it would carry, a shifted birth date could
  // still show an age over 89; the FHIR export carries the (shifted, Safe Harbor-checked) birth date instead.
  if (tag === 0x00100030) return 'Z';
  if (TEMPORAL_VRS.has(vr)) return 'C';
  if (action === 'X/Z/U*') return 'K';
  if (action.includes('/')) return action.includes('Z') ? 'Z' : 'D';
  return action as Resolved;
}

/** A dummy value of the VR, for D. */
function dummyValue(vr: string): Uint8Array {
  switch (vr) {
    case 'PN':
    case 'LO':
    case 'SH':
    case 'LT':
    case 'ST':
    case 'UT':
    case 'UC':
    case 'CS':
      return textValue('ANONYMIZED');
    case 'AE':
      return textValue('ANONYMOUS');
    case 'DA':
      return textValue('19000101');
    case 'TM':
      return textValue('000000');
    case 'DT':
      return textValue('19000101000000');
    case 'IS':
    case 'DS':
      return textValue('0');
    case 'AS':
      return textValue('000Y');
    case 'US':
    case 'SS':
      return new Uint8Array(2);
    case 'UL':
    case 'SL':
    case 'FL':
      return new Uint8Array(4);
    case 'FD':
      return new Uint8Array(8);
    default:
      return new Uint8Array(2);
  }
}

class ProfileApplier {
  readonly counts: Record<string, number> = {};

  constructor(private readonly key: DeidKey, private readonly offset: number) {}

  count(rule: string): void {
    this.counts[rule] = (this.counts[rule] ?? 0) + 1;
  }

  nodes(nodes: readonly DicomNode[]): DicomNode[] {
    const out: DicomNode[] = [];
    for (const node of nodes) {
      const r = this.node(node);
      if (r) out.push(r);
    }
    return out;
  }

  private node(node: DicomNode): DicomNode | undefined {
    const group = node.tag >>> 16;
    const element = node.tag & 0xffff;
    if (group % 2 === 1) {
      this.count('privateAttributesRemoved');
      return undefined;
    }
    if (element === 0x0000 && group !== 0x0002) {
      this.count('groupLengthsRemoved');
      return undefined;
    }
    if (group >= 0x5000 && group <= 0x50ff) {
      this.count('curvesRemoved');
      return undefined;
    }
    if (group >= 0x6000 && group <= 0x60ff && (element === 0x3000 || element === 0x4000)) {
      this.count('overlayDataOrCommentsRemoved');
      return undefined;
    }
    const listed = TABLE.get(node.tag);
    let action: Resolved;
    if (listed) {
      action = resolveAction(listed.action, listed.vr, node.tag);
    } else if (node.vr === 'UI') {
      action = this.uids(node).every((u) => u === '' || u.startsWith(DICOM_ROOT)) ? 'K' : 'U';
      if (action === 'U') this.count('unlistedUidsReplaced');
    } else if (node.vr === 'DA' || node.vr === 'DT') {
      action = 'C';
      this.count('unlistedDatesShifted');
    } else if (node.vr === 'PN') {
      action = 'Z';
      this.count('unlistedPersonNamesEmptied');
    } else {
      action = 'K';
    }
    if (listed) this.count(`action${action}`);
    switch (action) {
      case 'X':
        return undefined;
      case 'Z':
        return node.items ? { tag: node.tag, vr: 'SQ', items: [] } : { tag: node.tag, vr: node.vr, value: new Uint8Array(0) };
      case 'D':
        return node.items ? { ...node, items: node.items.map((item) => this.nodes(item)) } : { tag: node.tag, vr: node.vr, value: dummyValue(listed?.vr ?? node.vr) };
      case 'U':
        return { tag: node.tag, vr: node.vr, value: textValue(this.uids(node).map((u) => (u ? pseudonymUid(this.key, u) : u)).join('\\')) };
      case 'C':
        return this.shifted(node);
      case 'K':
        return node.items ? { ...node, items: node.items.map((item) => this.nodes(item)) } : node;
    }
  }

  private uids(node: DicomNode): string[] {
    return decodeText(node).split('\\').map((u) => u.replace(/\0/g, '').trim());
  }

  /** DA/DT moved by the offset (multi-valued too); TM kept; an unreadable date is emptied (Z), never kept. */
  private shifted(node: DicomNode): DicomNode {
    const vr = TABLE.get(node.tag)?.vr ?? node.vr;
    if (vr === 'TM' || node.items) return node;
    const values = decodeText(node).split('\\');
    const shifted = values.map((v) => (v.trim() === '' ? '' : vr === 'DA' ? shiftDicomDate(v, this.offset) : shiftDicomDateTime(v, this.offset)));
    if (shifted.some((v) => v === undefined)) {
      this.count('unreadableDatesEmptied');
      return { tag: node.tag, vr: node.vr, value: new Uint8Array(0) };
    }
    if (values.some((v) => v.trim() !== '')) this.count('datesShifted');
    return { tag: node.tag, vr: node.vr, value: textValue(shifted.join('\\')) };
  }
}

const cs = (tag: number, vr: string, value: string): DicomNode => ({ tag, vr, value: textValue(value) });

/** The identifiers this software writes in the meta header. */
const IMPLEMENTATION_CLASS_UID = '2.25.143286351617436158219307468218476283617';
const IMPLEMENTATION_VERSION_NAME = `ONCOBOARD_DEID${DEID_SOFTWARE.version.split('.')[0]}`;

/** De-identifies one Part 10 file; throws DicomDeidError naming the file label and the attribute, never a value. */
export function deidentifyDicomFile(bytes: Uint8Array, options: DicomConfidentialityOptions): DicomConfidentialityResult {
  const label = options.label ?? 'input';
  if (!Number.isInteger(options.dateOffsetDays)) throw new DicomDeidError(`${label}: dateOffsetDays: expected a whole number of days`);
  const tree = parseDicomTree(bytes, label);
  const burnedIn = tree.dataset.find((n) => n.tag === 0x00280301);
  if (burnedIn && decodeText(burnedIn).toUpperCase() === 'YES' && !options.allowBurnedInAnnotation) {
    throw new DicomDeidError(`${label}: BurnedInAnnotation ${tagLabel(0x00280301)} is YES: the pixels may show identifiers and the Clean Pixel Data Option is not implemented; pass allowBurnedInAnnotation to de-identify the header anyway`);
  }
  const applier = new ProfileApplier(options.key, options.dateOffsetDays);
  const dataset = applier.nodes(tree.dataset).filter((n) => ![0x00120062, 0x00120063, 0x00120064, 0x00280303].includes(n.tag));
  const codeItem = (code: string, meaning: string): DicomNode[] => [cs(0x00080100, 'SH', code), cs(0x00080102, 'SH', 'DCM'), cs(0x00080104, 'LO', meaning)];
  dataset.push(
    cs(0x00120062, 'CS', 'YES'),
    cs(0x00120063, 'LO', [...DICOM_DEID_METHOD_CODES.map((c) => c.meaning), `${DEID_SOFTWARE.name} ${DEID_SOFTWARE.version}`].join('\\')),
    { tag: 0x00120064, vr: 'SQ', items: DICOM_DEID_METHOD_CODES.map((c) => codeItem(c.code, c.meaning)) },
    cs(0x00280303, 'CS', 'MODIFIED'),
  );
  const text = (tag: number) => {
    const n = dataset.find((d) => d.tag === tag);
    return n ? decodeText(n) : undefined;
  };
  const sopInstanceUid = text(0x00080018);
  if (!sopInstanceUid) throw new DicomDeidError(`${label}: SOPInstanceUID ${tagLabel(0x00080018)}: expected 1 value, found none`);
  const sopClassUid = text(0x00080016) ?? decodeText(tree.meta.find((n) => n.tag === 0x00020002) ?? { tag: 0, vr: 'UI' });
  // Encapsulated pixel data keeps its transfer syntax; everything else is written as explicit VR little endian.
  const encapsulated = dataset.some((n) => n.encapsulated);
  const transferSyntaxUid = encapsulated ? tree.transferSyntaxUid : EXPLICIT_VR_LITTLE_ENDIAN;
  const meta: DicomNode[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    cs(0x00020002, 'UI', sopClassUid),
    cs(0x00020003, 'UI', sopInstanceUid),
    cs(0x00020010, 'UI', transferSyntaxUid),
    cs(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID),
    cs(0x00020013, 'SH', IMPLEMENTATION_VERSION_NAME),
  ];
  const removedMeta = tree.meta.filter((n) => ![0x00020000, 0x00020001, 0x00020002, 0x00020003, 0x00020010, 0x00020012, 0x00020013].includes(n.tag)).length;
  if (removedMeta) applier.counts.metaAttributesRemoved = removedMeta;
  const out: DicomTree = { meta, dataset, transferSyntaxUid };
  return {
    bytes: writeDicomTree(out),
    transferSyntaxUid,
    sopInstanceUid,
    ...optional('seriesInstanceUid', text(0x0020000e)),
    ...optional('studyInstanceUid', text(0x0020000d)),
    report: { counts: applier.counts },
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** PatientID (0010,0020) of a Part 10 file, to match it with a FHIR Patient's identifiers (no other use). */
export function readDicomPatientId(bytes: Uint8Array, label = 'input'): string | undefined {
  const node = parseDicomTree(bytes, label).dataset.find((n) => n.tag === 0x00100020);
  const id = node ? decodeText(node).trim() : '';
  return id || undefined;
}
