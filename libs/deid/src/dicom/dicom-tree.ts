// A DICOM Part 10 file as an editable tree of elements (parsed with dicom-parser), and its writer: explicit VR
// little endian with explicit lengths, except encapsulated (compressed) Pixel Data, whose items are copied byte for
// byte under the original transfer syntax. Implicit VR input gets its VRs from the profile table and a small
// dictionary (unknown: UN); big-endian input is refused.
// The default import: under plain Node ESM a namespace import of this CommonJS package lacks parseDicom.
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { BASIC_PROFILE_TABLE, COMMON_VRS } from './basic-profile-table';

export interface DicomNode {
  /** (group << 16 | element), unsigned. */
  tag: number;
  vr: string;
  /** Value bytes (not padded) for everything but sequences and encapsulated pixel data. */
  value?: Uint8Array;
  /** Sequence items, each a list of nodes. */
  items?: DicomNode[][];
  /** Encapsulated Pixel Data: the items and the sequence delimiter, verbatim. */
  encapsulated?: Uint8Array;
}

export interface DicomTree {
  meta: DicomNode[];
  dataset: DicomNode[];
  transferSyntaxUid: string;
}

export class DicomDeidError extends Error {
  override name = 'DicomDeidError';
}

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

const KNOWN_VRS = new Map<number, string>([
  ...BASIC_PROFILE_TABLE.map(([tag, , vr]) => [parseInt(tag, 16) >>> 0, vr] as [number, string]),
  ...Object.entries(COMMON_VRS).map(([tag, vr]) => [parseInt(tag, 16) >>> 0, vr] as [number, string]),
]);

export const tagHex = (tag: number) => (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
export const tagLabel = (tag: number) => `(${tagHex(tag).slice(0, 4)},${tagHex(tag).slice(4)})`;

/** Parses a Part 10 file into meta and dataset nodes. `label` names the input in errors (never a value). */
export function parseDicomTree(bytes: Uint8Array, label: string): DicomTree {
  if (bytes.length < 132 || Buffer.from(bytes.subarray(128, 132)).toString('latin1') !== 'DICM') {
    throw new DicomDeidError(`${label}: expected a DICOM Part 10 file (128-byte preamble and "DICM"), found none`);
  }
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { inflater: (b: Uint8Array, p: number) => inflate(b, p) } as never);
  } catch (thrown) {
    const inner = typeof thrown === 'object' && thrown !== null && 'exception' in thrown ? (thrown as { exception: unknown }).exception : thrown;
    throw new DicomDeidError(`${label}: cannot parse the DICOM dataset (${inner instanceof Error ? inner.message : String(inner)})`);
  }
  const transferSyntaxUid = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (transferSyntaxUid === BIG_ENDIAN) throw new DicomDeidError(`${label}: transfer syntax ${BIG_ENDIAN} (Explicit VR Big Endian, retired) is not supported; convert the file to little endian first`);
  const implicit = transferSyntaxUid === IMPLICIT_VR_LITTLE_ENDIAN;
  const all = nodesOf(ds, implicit, label);
  return { meta: all.filter((n) => n.tag >>> 16 === 0x0002), dataset: all.filter((n) => n.tag >>> 16 !== 0x0002), transferSyntaxUid };
}

function inflate(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

function nodesOf(ds: DataSet, implicit: boolean, label: string): DicomNode[] {
  const nodes: DicomNode[] = [];
  for (const [key, el] of Object.entries(ds.elements)) {
    const tag = parseInt(key.slice(1), 16) >>> 0;
    const group = tag >>> 16;
    // Meta elements are always explicit VR, whatever the dataset's transfer syntax.
    const vr = (!implicit || group === 0x0002 ? el.vr : undefined) ?? KNOWN_VRS.get(tag) ?? (el.items ? 'SQ' : 'UN');
    if (el.items) {
      nodes.push({ tag, vr: 'SQ', items: el.items.map((item) => (item.dataSet ? nodesOf(item.dataSet, implicit, label) : [])) });
    } else if (tag === 0x7fe00010 && el.encapsulatedPixelData) {
      nodes.push({ tag, vr: 'OB', encapsulated: ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length) });
    } else {
      if (el.dataOffset + el.length > ds.byteArray.length) throw new DicomDeidError(`${label}: element ${tagLabel(tag)} runs past the end of the file (truncated)`);
      nodes.push({ tag, vr: vr === 'SQ' ? 'UN' : vr, value: ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length) });
    }
  }
  return nodes;
}

// ---------------------------------------------------------------- writing

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UR', 'UT']);

/** A string value in VR-correct bytes (latin1; UI padded with NUL, text with a space). */
export function textValue(value: string): Uint8Array {
  return Buffer.from(value, 'latin1');
}

export function decodeText(node: DicomNode): string {
  return node.value ? Buffer.from(node.value).toString('latin1').replace(/[\0 ]+$/, '') : '';
}

function padded(node: DicomNode): Uint8Array {
  const v = node.value ?? new Uint8Array(0);
  if (v.length % 2 === 0) return v;
  const out = new Uint8Array(v.length + 1);
  out.set(v);
  out[v.length] = TEXT_VRS.has(node.vr) ? 0x20 : 0x00;
  return out;
}

function header(tag: number, vr: string, length: number): Buffer {
  const long = LONG_VRS.has(vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(tag >>> 16, 0);
  h.writeUInt16LE(tag & 0xffff, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(length >>> 0, 8);
  else h.writeUInt16LE(length, 6);
  return h;
}

function encodeNodes(nodes: readonly DicomNode[]): Buffer {
  const sorted = [...nodes].sort((a, b) => a.tag - b.tag);
  const parts: Buffer[] = [];
  for (const node of sorted) {
    if (node.items) {
      const items = node.items.map((item) => {
        const body = encodeNodes(item);
        const h = Buffer.alloc(8);
        h.writeUInt16LE(0xfffe, 0);
        h.writeUInt16LE(0xe000, 2);
        h.writeUInt32LE(body.length, 4);
        return Buffer.concat([h, body]);
      });
      const body = Buffer.concat(items);
      parts.push(header(node.tag, 'SQ', body.length), body);
    } else if (node.encapsulated) {
      parts.push(header(node.tag, 'OB', 0xffffffff), Buffer.from(node.encapsulated));
    } else {
      const value = padded(node);
      // A value too long for a short-length VR (possible only for unknown implicit-VR content) is written as UN.
      const vr = !LONG_VRS.has(node.vr) && value.length > 0xffff ? 'UN' : node.vr;
      parts.push(header(node.tag, vr, value.length), Buffer.from(value));
    }
  }
  return Buffer.concat(parts);
}

/** Writes preamble, "DICM", the meta group (with a recomputed group length) and the dataset. */
export function writeDicomTree(tree: DicomTree): Uint8Array {
  const metaBody = encodeNodes(tree.meta.filter((n) => n.tag !== 0x00020000));
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length);
  const meta = Buffer.concat([header(0x00020000, 'UL', 4), groupLength, metaBody]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), meta, encodeNodes(tree.dataset)]);
}

export const isDeflated = (ts: string) => ts === DEFLATED;
