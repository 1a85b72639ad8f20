import { expect, it } from 'vitest';
import * as seg from './index';

it('exports the public segmentation API', () => {
  expect(typeof seg.readDicomSeg).toBe('function');
  expect(typeof seg.resampleMaskOnto).toBe('function');
  expect(seg.SEGMENTATION_STORAGE_SOP_CLASS).toBe('1.2.840.10008.5.1.4.1.1.66.4');
  expect(Object.keys(seg).sort()).toEqual(['SEGMENTATION_STORAGE_SOP_CLASS', 'readDicomSeg', 'resampleMaskOnto']);
});
