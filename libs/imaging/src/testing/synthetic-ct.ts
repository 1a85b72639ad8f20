// A synthetic CT for tests and benchmarks: a body-shaped ellipse of soft tissue in air with two lungs, and a
// spherical lesion of a chosen volume, in HU; and a minimal DICOM writer (explicit VR little endian, one CT
// Image Storage file per slice) so the same phantom can be read back as a real DICOM series.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Volume } from '../volume';
import { voxelIndex } from '../volume';

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

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function text(vr: string, value: string): Buffer {
  const padded = value.length % 2 === 0 ? value : value + (vr === 'UI' ? '\0' : ' ');
  return Buffer.from(padded, 'latin1');
}

function us(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

function encode(elements: Element[]): Buffer {
  const parts: Buffer[] = [];
  for (const { tag, vr, value } of elements.sort((a, b) => a.tag - b.tag)) {
    const head = Buffer.alloc(LONG_VRS.has(vr) ? 12 : 8);
    head.writeUInt16LE(tag >>> 16, 0);
    head.writeUInt16LE(tag & 0xffff, 2);
    head.write(vr, 4, 'latin1');
    if (LONG_VRS.has(vr)) head.writeUInt32LE(value.length, 8);
    else head.writeUInt16LE(value.length, 6);
    parts.push(head, value);
  }
  return Buffer.concat(parts);
}

const ds = (values: number[]) => values.map((v) => String(Math.round(v * 1e6) / 1e6)).join('\\');

/**
 * Writes an axial Int16 HU volume as a CT series, one file per slice (explicit VR little endian, rescale
 * intercept -1024 so stored values are unsigned-safe). Returns the file paths. The volume must be axial
 * (identity direction).
 */
export function writeDicomSeries(volume: Volume<Int16Array>, folder: string, seed = 'oncoboard-phantom'): string[] {
  const [cols, rows, slices] = volume.dims;
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
    const position = [volume.origin[0], volume.origin[1], volume.origin[2] + k * volume.spacing[2]];
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
      { tag: 0x00200037, vr: 'DS', value: text('DS', ds([1, 0, 0, 0, 1, 0])) },
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
    writeFileSync(file, Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), meta, dataset]));
    files.push(file);
  }
  return files;
}
