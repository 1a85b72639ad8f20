import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import { cliWorkspace } from './test-support/cli-workspace';

const { work, cli } = cliWorkspace('cli-imaging');

describe('oncoboard imaging-import', () => {
  it('stores a series with its lesion, prints a summary, and finds it unchanged the second time', () => {
    const phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl: 5 });
    const dir = join(work, 'ct');
    writeDicomSeries(phantom.image, dir, 'cli-imaging', { date: '20240201' });
    const mask = writeNifti(phantom.mask, join(work, 'mask.nii'));
    const first = cli(['imaging-import', dir, '--patient', 'Patient/cli-1', '--mask', mask]);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^series 2\.25\.\d+: CT, 32 slices, 2024-02-01/m);
    expect(first.stdout).toMatch(/1 lesion measured, radiomics for 1/);
    expect(first.stdout).toMatch(/lesion 1 \(label 1\): [45]\.\d\d mL/);
    expect(first.stdout).toContain('imported 2, updated 0, unchanged 0');
    expect(first.stderr).toContain('imaging-import ');
    const second = cli(['imaging-import', dir, '--patient', 'Patient/cli-1', '--mask', mask]);
    expect(second.stdout).toContain('imported 0, updated 0, unchanged 2');
  }, 120_000);

  it('fails with status 1 naming the problem', () => {
    const missing = cli(['imaging-import', join(work, 'nowhere'), '--patient', 'Patient/cli-1']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${join(work, 'nowhere')}: no such file or directory`);
    const noPatient = cli(['imaging-import', work]);
    expect(noPatient.status).toBe(1);
    expect(noPatient.stderr).toContain('expected --patient');
    const noDicom = cli(['imaging-import', join(work, 'mask.nii'), '--patient', 'Patient/cli-1']);
    expect(noDicom.status).toBe(1);
    expect(noDicom.stderr).toMatch(/oncoboard: imaging import: .*mask\.nii/);
  }, 60_000);
});
