// A synthetic CT for tests and benchmarks: a body-shaped ellipse of soft tissue in air with two lungs, and a
// spherical lesion of a chosen volume, in HU; and a minimal DICOM writer (explicit VR little endian, one CT
// Image Storage file per slice) so the same phantom can be read back as a real DICOM series; and a minimal
// NIfTI-1 writer, so its lesion mask can be a real mask file.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Volume } from '../volume';
import { dicomElement, dicomPart10 } from './dicom-writer';
import { cross, voxelIndex } from '../volume';

export interface PhantomOptions {
  size?: number;
  slices?: number;
  /** In-plane pixel spacing, mm. */
  pixelMm?: number;
  sliceMm?: number;
  lesionMl?: number;
}

/** The phantom (Int16 HU) and its lesion mask (Uint8, 1 inside), on one axial LPS grid. */
export function syntheticCtPhantom(options: PhantomOptions = {}): { image: Volume<Int16Array>; mask: Volume<Uint8Array> } {
  const n = options.size ?? 512;
  const slices = options.slices ?? 300;
  const px = options.pixelMm ?? 0.8;
  const dz = options.sliceMm ?? 1;
  const lesionMl = options.lesionMl ?? 50;
  const geometry = {
    dims: [n, n, slices] as const,
    spacing: [px, px, dz] as const,
    origin: [(-n * px) / 2, (-n * px) / 2, 0] as const,
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const,
  };
  const hu = new Int16Array(n * n * slices);
  const mask = new Uint8Array(n * n * slices);
  const radius = Math.cbrt((3 * lesionMl * 1000) / (4 * Math.PI)); // mm
  const centre = [n / 2 + (0.12 * n), n / 2, slices / 2]; // voxel coordinates, in the right lung region
  for (let k = 0; k < slices; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const x = (i - n / 2) / (0.42 * n);
        const y = (j - n / 2) / (0.3 * n);
        let value = -1000;
        if (x * x + y * y <= 1) {
          value = 40 + ((i * 7 + j * 13 + k * 3) % 11) - 5; // soft tissue with a little texture
          const lx = (Math.abs(i - n / 2) - 0.18 * n) / (0.13 * n);
          const ly = (j - n / 2) / (0.2 * n);
          if (lx * lx + ly * ly <= 1) value = -850 + ((i + j + k) % 21) - 10; // lungs
        }
        const dx = (i - centre[0]!) * px;
        const dy = (j - centre[1]!) * px;
        const dzmm = (k - centre[2]!) * dz;
        const index = voxelIndex(geometry.dims, i, j, k);
        if (dx * dx + dy * dy + dzmm * dzmm <= radius * radius) {
          value = 60 + ((i * 5 + j * 3 + k) % 31) - 15;
          mask[index] = 1;
        }
        hu[index] = value;
      }
  return { image: { ...geometry, voxels: hu, source: 'synthetic CT phantom' }, mask: { ...geometry, voxels: mask, source: 'synthetic CT phantom lesion' } };
}

/** A UID under the 2.25 (UUID-derived) root, stable for a seed. */
export function syntheticUid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex').slice(0, 30);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`.slice(0, 64);
}

type Element = { tag: number; vr: string; value: Buffer };

function text(vr: string, value: string): Buffer {
  const padded = value.length % 2 === 0 ? value : value + (vr === 'UI' ? '\0' : ' ');
  return Buffer.from(padded, 'latin1');
}

function us(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

/** The elements in ascending tag order, as DICOM requires. */
function encode(elements: Element[]): Buffer {
  return Buffer.concat(elements.sort((a, b) => a.tag - b.tag).map(({ tag, vr, value }) => dicomElement(tag >>> 16, tag & 0xffff, vr, value)));
}

const ds = (values: number[]) => values.map((v) => String(Math.round(v * 1e6) / 1e6)).join('\\');

/** Optional header values of a written series (none are written unless given). */
export interface WriteDicomSeriesOptions {
  /** DICOM DA (YYYYMMDD), written as StudyDate (0008,0020) and SeriesDate (0008,0021). */
  date?: string;
  /** SeriesDescription (0008,103E). */
  seriesDescription?: string;
  /** SeriesNumber (0020,0011). */
  seriesNumber?: number;
}

/**
 * Writes an Int16 HU volume as a CT series, one file per k slice (explicit VR little endian, rescale intercept
 * -1024 so stored values are unsigned-safe). Returns the file paths. Any orientation: ImageOrientationPatient
 * is the volume's i and j directions and slice k sits at origin + k · spacing[2] · (k direction); the k
 * direction must be i × j (a right-handed grid, as DICOM readers stack slices). The seed makes the
 * study/series/instance UIDs (same seed, same UIDs).
 */
export function writeDicomSeries(volume: Volume<Int16Array>, folder: string, seed = 'oncoboard-phantom', options: WriteDicomSeriesOptions = {}): string[] {
  if (options.date !== undefined && !/^\d{8}$/.test(options.date)) throw new Error(`writeDicomSeries: date: expected a DICOM DA (YYYYMMDD), got "${options.date}"`);
  const extra: Element[] = [
    ...(options.date ? [{ tag: 0x00080020, vr: 'DA', value: text('DA', options.date) }, { tag: 0x00080021, vr: 'DA', value: text('DA', options.date) }] : []),
    ...(options.seriesDescription ? [{ tag: 0x0008103e, vr: 'LO', value: text('LO', options.seriesDescription) }] : []),
    ...(options.seriesNumber !== undefined ? [{ tag: 0x00200011, vr: 'IS', value: text('IS', String(options.seriesNumber)) }] : []),
  ];
  const [cols, rows, slices] = volume.dims;
  const d = volume.direction;
  const normal = cross(d.slice(0, 3), d.slice(3, 6));
  if (normal.some((v, n) => Math.abs(v - d[6 + n]!) > 1e-6)) throw new Error(`writeDicomSeries: the k direction (${d.slice(6).join(', ')}) must be i × j (${normal.join(', ')})`);
  mkdirSync(folder, { recursive: true });
  const study = syntheticUid(`${seed}/study`);
  const series = syntheticUid(`${seed}/series`);
  const files: string[] = [];
  const sliceBytes = cols * rows * 2;
  for (let k = 0; k < slices; k++) {
    const sop = syntheticUid(`${seed}/instance/${k}`);
    const pixels = Buffer.alloc(sliceBytes);
    const offset = k * cols * rows;
    for (let p = 0; p < cols * rows; p++) pixels.writeInt16LE(volume.voxels[offset + p]! + 1024, p * 2);
    const position = [0, 1, 2].map((n) => volume.origin[n]! + k * volume.spacing[2] * d[6 + n]!);
    const dataset = encode([
      { tag: 0x00080016, vr: 'UI', value: text('UI', '1.2.840.10008.5.1.4.1.1.2') },
      { tag: 0x00080018, vr: 'UI', value: text('UI', sop) },
      { tag: 0x00080060, vr: 'CS', value: text('CS', 'CT') },
      { tag: 0x00100010, vr: 'PN', value: text('PN', 'Phantom^Synthetic') },
      { tag: 0x00100020, vr: 'LO', value: text('LO', 'PHANTOM-1') },
      { tag: 0x00180050, vr: 'DS', value: text('DS', ds([volume.spacing[2]])) },
      { tag: 0x0020000d, vr: 'UI', value: text('UI', study) },
      { tag: 0x0020000e, vr: 'UI', value: text('UI', series) },
      { tag: 0x00200013, vr: 'IS', value: text('IS', String(k + 1)) },
      { tag: 0x00200032, vr: 'DS', value: text('DS', ds(position)) },
      { tag: 0x00200037, vr: 'DS', value: text('DS', ds([d[0], d[1], d[2], d[3], d[4], d[5]])) },
      { tag: 0x00280002, vr: 'US', value: us(1) },
      { tag: 0x00280004, vr: 'CS', value: text('CS', 'MONOCHROME2') },
      { tag: 0x00280010, vr: 'US', value: us(rows) },
      { tag: 0x00280011, vr: 'US', value: us(cols) },
      { tag: 0x00280030, vr: 'DS', value: text('DS', ds([volume.spacing[1], volume.spacing[0]])) },
      { tag: 0x00280100, vr: 'US', value: us(16) },
      { tag: 0x00280101, vr: 'US', value: us(16) },
      { tag: 0x00280102, vr: 'US', value: us(15) },
      { tag: 0x00280103, vr: 'US', value: us(0) },
      { tag: 0x00281052, vr: 'DS', value: text('DS', '-1024') },
      { tag: 0x00281053, vr: 'DS', value: text('DS', '1') },
      { tag: 0x7fe00010, vr: 'OW', value: pixels },
      ...extra,
    ]);
    const metaBody = encode([
      { tag: 0x00020001, vr: 'OB', value: Buffer.from([0, 1]) },
      { tag: 0x00020002, vr: 'UI', value: text('UI', '1.2.840.10008.5.1.4.1.1.2') },
      { tag: 0x00020003, vr: 'UI', value: text('UI', sop) },
      { tag: 0x00020010, vr: 'UI', value: text('UI', '1.2.840.10008.1.2.1') },
      { tag: 0x00020012, vr: 'UI', value: text('UI', '1.2.826.0.1.3680043.10.1') },
    ]);
    const groupLength = Buffer.alloc(4);
    groupLength.writeUInt32LE(metaBody.length);
    const meta = Buffer.concat([encode([{ tag: 0x00020000, vr: 'UL', value: groupLength }]), metaBody]);
    const file = join(folder, `slice-${String(k + 1).padStart(4, '0')}.dcm`);
    // Slices written in reverse order of position on purpose: readers must sort by geometry, not by name.
    writeFileSync(file, dicomPart10(meta, dataset));
    files.push(file);
  }
  return files;
}

// ---------------------------------------------------------------- NIfTI-1

/**
 * A minimal NIfTI-1 writer for tests: single file (.nii), 348-byte header + 4 bytes extension flag, uint8 or
 * int16 voxels, geometry in the sform (sform_code 1) with the LPS → RAS flip NIfTI expects.
 */
export function niftiBytes(volume: Volume<Uint8Array | Int16Array>): Uint8Array {
  const isU8 = volume.voxels instanceof Uint8Array;
  const width = isU8 ? 1 : 2;
  const voxOffset = 352;
  const bytes = new Uint8Array(voxOffset + volume.voxels.length * width);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, 348, true);
  [3, ...volume.dims, 1, 1, 1, 1].forEach((d, n) => v.setInt16(40 + 2 * n, d, true));
  v.setInt16(70, isU8 ? 2 : 4, true); // datatype
  v.setInt16(72, width * 8, true); // bitpix
  [1, ...volume.spacing, 1, 1, 1, 1].forEach((p, n) => v.setFloat32(76 + 4 * n, p, true));
  v.setFloat32(108, voxOffset, true);
  v.setFloat32(112, 1, true); // scl_slope
  v.setInt16(254, 1, true); // sform_code: scanner
  const d = volume.direction;
  const ras = [-1, -1, 1];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) v.setFloat32(280 + 16 * r + 4 * c, ras[r]! * d[3 * c + r]! * volume.spacing[c]!, true);
    v.setFloat32(280 + 16 * r + 12, ras[r]! * volume.origin[r]!, true);
  }
  [...'n+1\0'].forEach((ch, n) => v.setUint8(344 + n, ch.charCodeAt(0)));
  bytes.set(new Uint8Array(volume.voxels.buffer, volume.voxels.byteOffset, volume.voxels.byteLength), voxOffset);
  return bytes;
}

export function writeNifti(volume: Volume<Uint8Array | Int16Array>, file: string): string {
  writeFileSync(file, niftiBytes(volume));
  return file;
}
