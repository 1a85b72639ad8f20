import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { readDicomSeries } from '../dicom/read-dicom-series';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from './synthetic-ct';

describe('synthetic CT phantom', () => {
  it('has a lesion of the asked volume and writes slices that a DICOM parser reads back to the same HU', () => {
    const { image, mask } = syntheticCtPhantom({ size: 64, slices: 24, pixelMm: 2, sliceMm: 2, lesionMl: 5 });
    const lesionMl = (mask.voxels.reduce((n, v) => n + v, 0) * 2 * 2 * 2) / 1000;
    expect(Math.abs(lesionMl - 5) / 5).toBeLessThan(0.1);
    const dir = mkdtempSync(join(tmpdir(), 'oncoboard-phantom-'));
    try {
      const files = writeDicomSeries(image, dir);
      expect(files).toHaveLength(24);
      const bytes = readFileSync(files[10]!);
      const parsed = dicomParser.parseDicom(bytes);
      expect(parsed.string('x00020010')).toBe('1.2.840.10008.1.2.1');
      expect(parsed.uint16('x00280010')).toBe(64);
      expect(parsed.string('x00200032')).toBe('-64\\-64\\20');
      const pixel = parsed.elements['x7fe00010']!;
      const stored = new Uint16Array(bytes.buffer.slice(bytes.byteOffset + pixel.dataOffset, bytes.byteOffset + pixel.dataOffset + pixel.length));
      const hu = Array.from(stored.subarray(0, 64 * 64), (v) => v - 1024);
      expect(hu).toEqual(Array.from(image.voxels.subarray(10 * 64 * 64, 11 * 64 * 64)));

      // And the series reader gives back the whole phantom, in HU, with its geometry.
      const read = readDicomSeries(dir);
      expect(read.modality).toBe('CT');
      expect([...read.volume.dims]).toEqual([64, 64, 24]);
      expect([...read.volume.spacing]).toEqual([2, 2, 2]);
      expect([...read.volume.origin]).toEqual([-64, -64, 0]);
      expect(Array.from(read.volume.voxels)).toEqual(Array.from(image.voxels));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('synthetic CT header values', () => {
  it('writes the date, description and number that readDicomSeries gives back (ISO dates), and round-trips a NIfTI mask', async () => {
    const { image, mask } = syntheticCtPhantom({ size: 16, slices: 4, pixelMm: 2, sliceMm: 3, lesionMl: 0.1 });
    const dir = mkdtempSync(join(tmpdir(), 'oncoboard-phantom-header-'));
    try {
      const files = writeDicomSeries(image, join(dir, 'ct'), 'header-test', { date: '20230709', seriesDescription: 'Thorax', seriesNumber: 7 });
      const read = readDicomSeries(join(dir, 'ct'));
      expect(read).toMatchObject({ studyDate: '2023-07-09', seriesDate: '2023-07-09', seriesDescription: 'Thorax', seriesNumber: 7 });
      expect([...read.files].sort()).toEqual([...files].sort());
      const plain = readDicomSeries(writeDicomSeries(image, join(dir, 'plain'), 'plain'));
      expect(plain.studyDate).toBeUndefined();
      expect(plain.seriesDescription).toBeUndefined();
      expect(() => writeDicomSeries(image, join(dir, 'bad'), 'bad', { date: '2023-07-09' })).toThrow(/DA \(YYYYMMDD\)/);

      const { readNifti } = await import('../nifti/read-nifti');
      const back = readNifti(writeNifti(mask, join(dir, 'mask.nii')));
      expect(back.dims).toEqual(mask.dims);
      expect(back.spacing).toEqual(mask.spacing);
      expect(back.origin).toEqual(mask.origin);
      expect(back.direction.map((d) => d + 0)).toEqual([...mask.direction]);
      expect(Array.from(back.voxels)).toEqual(Array.from(mask.voxels));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
