// Test support: a minimal DICOM writer (Part 10, Explicit VR Little Endian, defined-length sequences) and a
// builder for small DICOM SEG files, so the reader can be tested on multi-frame, multi-segment, FRACTIONAL and
// broken inputs without dcmjs/pydicom. Not exported from the package index.

export type DicomValue = string | number[] | Uint8Array | DicomItem[];
export interface DicomElement {
  /** 0xGGGGEEEE */
  tag: number;
  vr: string;
  value: DicomValue;
}
export type DicomItem = DicomElement[];

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'SQ', 'UN', 'UT', 'UC', 'UR']);

function u16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function valueBytes(el: DicomElement): Uint8Array {
  const v = el.value;
  if (el.vr === 'SQ') {
    const parts: number[] = [];
    for (const item of v as DicomItem[]) {
      const body = encodeElements(item);
      parts.push(...u16(0xfffe), ...u16(0xe000), ...u32(body.length), ...body);
    }
    return Uint8Array.from(parts);
  }
  if (v instanceof Uint8Array) {
    if (v.length % 2 === 0) return v;
    const padded = new Uint8Array(v.length + 1);
    padded.set(v);
    return padded;
  }
  if (typeof v === 'string') {
    let s = v;
    if (s.length % 2 === 1) s += el.vr === 'UI' ? '\0' : ' ';
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }
  const nums = v as number[];
  if (el.vr === 'US') return Uint8Array.from(nums.flatMap(u16));
  if (el.vr === 'UL') return Uint8Array.from(nums.flatMap(u32));
  if (el.vr === 'AT') return Uint8Array.from(nums.flatMap((t) => [...u16(t >>> 16), ...u16(t & 0xffff)]));
  throw new Error(`testing writer: VR ${el.vr} with numbers is not supported`);
}

export function encodeElements(elements: readonly DicomElement[]): number[] {
  const out: number[] = [];
  for (const el of [...elements].sort((a, b) => a.tag - b.tag)) {
    const body = valueBytes(el);
    out.push(...u16(el.tag >>> 16), ...u16(el.tag & 0xffff), el.vr.charCodeAt(0), el.vr.charCodeAt(1));
    if (LONG_VRS.has(el.vr)) out.push(0, 0, ...u32(body.length));
    else out.push(...u16(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]!);
  }
  return out;
}

/** Part 10 file: preamble, DICM, file meta group (explicit VR LE), then the dataset. */
export function writeDicomFile(dataset: readonly DicomElement[], sopClass: string, sopInstance: string, transferSyntax = '1.2.840.10008.1.2.1'): Uint8Array {
  const metaRest = encodeElements([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1) },
    { tag: 0x00020002, vr: 'UI', value: sopClass },
    { tag: 0x00020003, vr: 'UI', value: sopInstance },
    { tag: 0x00020010, vr: 'UI', value: transferSyntax },
  ]);
  const meta = [...encodeElements([{ tag: 0x00020000, vr: 'UL', value: [metaRest.length] }]), ...metaRest];
  const body = encodeElements(dataset);
  const out = new Uint8Array(132 + meta.length + body.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(meta, 132);
  out.set(body, 132 + meta.length);
  return out;
}

export interface TestSegFrame {
  segment: number;
  position: [number, number, number];
  /** rows·columns values, row-major (column fastest): 0/1 for BINARY, 0..max for FRACTIONAL. */
  pixels: ArrayLike<number>;
}

export interface TestSegOptions {
  rows: number;
  columns: number;
  type?: 'BINARY' | 'FRACTIONAL' | string;
  segments: { number: number; label: string; algorithmType?: string }[];
  frames: TestSegFrame[];
  orientation?: number[];
  pixelSpacing?: [number, number];
  spacingBetweenSlices?: number;
  sliceThickness?: number;
  maxFractionalValue?: number;
  referencedSeriesUid?: string;
  sopClass?: string;
  /** Drop the Plane Position Sequence of this frame (0-based), for error tests. */
  omitPositionOfFrame?: number;
  /** Keep only this many bytes of pixel data (element length shortened too), for error tests. */
  truncatePixelDataTo?: number;
}

function ds(n: number): string {
  return String(Number(n.toFixed(6)));
}

/** Builds a SEG the way dcmqi / highdicom lay them out: shared orientation and spacing, per-frame position and segment. */
export function buildTestSeg(o: TestSegOptions): Uint8Array {
  const type = o.type ?? 'BINARY';
  const frameSize = o.rows * o.columns;
  const n = o.frames.length;
  let pixelData: Uint8Array;
  if (type === 'FRACTIONAL') {
    pixelData = new Uint8Array(n * frameSize);
    o.frames.forEach((f, fi) => {
      for (let p = 0; p < frameSize; p++) pixelData[fi * frameSize + p] = f.pixels[p]!;
    });
  } else {
    // 1 bit per pixel, frames packed back to back without byte alignment, least significant bit first.
    pixelData = new Uint8Array(Math.ceil((n * frameSize) / 8));
    o.frames.forEach((f, fi) => {
      for (let p = 0; p < frameSize; p++) {
        if (f.pixels[p]) {
          const b = fi * frameSize + p;
          pixelData[b >> 3]! |= 1 << (b & 7);
        }
      }
    });
  }
  if (o.truncatePixelDataTo !== undefined) pixelData = pixelData.slice(0, o.truncatePixelDataTo);
  const sopClass = o.sopClass ?? '1.2.840.10008.5.1.4.1.1.66.4';
  const sopInstance = '1.2.826.0.1.3680043.8.498.1';
  const pixelMeasures: DicomItem = [{ tag: 0x00280030, vr: 'DS', value: (o.pixelSpacing ?? [1, 1]).map(ds).join('\\') }];
  if (o.spacingBetweenSlices !== undefined) pixelMeasures.push({ tag: 0x00180088, vr: 'DS', value: ds(o.spacingBetweenSlices) });
  if (o.sliceThickness !== undefined) pixelMeasures.push({ tag: 0x00180050, vr: 'DS', value: ds(o.sliceThickness) });
  const dataset: DicomElement[] = [
    { tag: 0x00080016, vr: 'UI', value: sopClass },
    { tag: 0x00080018, vr: 'UI', value: sopInstance },
    { tag: 0x00080060, vr: 'CS', value: 'SEG' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.8.498.2' },
    { tag: 0x00200052, vr: 'UI', value: '1.2.826.0.1.3680043.8.498.3' },
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280008, vr: 'IS', value: String(n) },
    { tag: 0x00280010, vr: 'US', value: [o.rows] },
    { tag: 0x00280011, vr: 'US', value: [o.columns] },
    { tag: 0x00280100, vr: 'US', value: [type === 'FRACTIONAL' ? 8 : 1] },
    { tag: 0x00280101, vr: 'US', value: [type === 'FRACTIONAL' ? 8 : 1] },
    { tag: 0x00280102, vr: 'US', value: [type === 'FRACTIONAL' ? 7 : 0] },
    { tag: 0x00280103, vr: 'US', value: [0] },
    { tag: 0x00620001, vr: 'CS', value: type },
    {
      tag: 0x00620002,
      vr: 'SQ',
      value: o.segments.map((s) => [
        { tag: 0x00620004, vr: 'US', value: [s.number] },
        { tag: 0x00620005, vr: 'LO', value: s.label },
        { tag: 0x00620008, vr: 'CS', value: s.algorithmType ?? 'MANUAL' },
      ]),
    },
    {
      tag: 0x52009229,
      vr: 'SQ',
      value: [[
        { tag: 0x00209116, vr: 'SQ', value: [[{ tag: 0x00200037, vr: 'DS', value: (o.orientation ?? [1, 0, 0, 0, 1, 0]).map(ds).join('\\') }]] },
        { tag: 0x00289110, vr: 'SQ', value: [pixelMeasures] },
      ]],
    },
    {
      tag: 0x52009230,
      vr: 'SQ',
      value: o.frames.map((f, fi) => {
        const item: DicomItem = [{ tag: 0x0062000a, vr: 'SQ', value: [[{ tag: 0x0062000b, vr: 'US', value: [f.segment] }]] }];
        if (fi !== o.omitPositionOfFrame) item.push({ tag: 0x00209113, vr: 'SQ', value: [[{ tag: 0x00200032, vr: 'DS', value: f.position.map(ds).join('\\') }]] });
        return item;
      }),
    },
    { tag: 0x7fe00010, vr: 'OB', value: pixelData },
  ];
  if (type === 'FRACTIONAL') {
    dataset.push({ tag: 0x0062000e, vr: 'US', value: [o.maxFractionalValue ?? 255] });
    dataset.push({ tag: 0x00620010, vr: 'CS', value: 'PROBABILITY' });
  }
  if (o.referencedSeriesUid !== undefined) {
    dataset.push({ tag: 0x00081115, vr: 'SQ', value: [[{ tag: 0x0020000e, vr: 'UI', value: o.referencedSeriesUid }]] });
  }
  return writeDicomFile(dataset, sopClass, sopInstance);
}
