// One SYNTHETIC patient's small CT-like volume (libs/imaging's phantom: body, lungs, one spherical lesion of the
// patient's lesion volume) written as a DICOM series, and its lesion mask as gzipped NIfTI-1.
// 64 × 64 × 32 voxels of 1.5 × 1.5 × 2.5 mm: a 96 × 96 × 80 mm field that holds the largest lesion (45 mL, radius
// 22 mm) and imports in well under a second.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { niftiBytes, syntheticCtPhantom, writeDicomSeries } from '@oncoboard/imaging/testing';
import type { SyntheticPatient } from './generative-model';

export const CT_GEOMETRY = { size: 64, slices: 32, pixelMm: 1.5, sliceMm: 2.5 } as const;
const VOXEL_ML = (CT_GEOMETRY.pixelMm * CT_GEOMETRY.pixelMm * CT_GEOMETRY.sliceMm) / 1000;

export interface WrittenVolume {
  seriesFolder: string;
  maskFile: string;
  /** Voxels inside the lesion mask × voxel volume: what a measurement of the mask must find. */
  maskVolumeMl: number;
}

/** Writes `<folder>/ct/slice-*.dcm` and `<folder>/lesion-mask.nii.gz`. */
export function writeSyntheticCt(p: SyntheticPatient, folder: string): WrittenVolume {
  const { image, mask } = syntheticCtPhantom({ ...CT_GEOMETRY, lesionMl: p.imaging.lesionMl });
  const seriesFolder = join(folder, 'ct');
  const date = p.clinical.diagnosisDate.replace(/-/g, '');
  writeDicomSeries({ ...image, source: `SYNTHETIC CT ${p.id}` }, seriesFolder, `oncoboard-synth-cohort/${p.id}`, { date, seriesDescription: 'SYNTHETIC CT (tools/synth-cohort)', seriesNumber: 1 });
  const maskFile = join(folder, 'lesion-mask.nii.gz');
  writeFileSync(maskFile, gzipSync(niftiBytes(mask)));
  let inside = 0;
  for (const v of mask.voxels) inside += v;
  return { seriesFolder, maskFile, maskVolumeMl: inside * VOXEL_ML };
}
