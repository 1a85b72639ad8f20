// IBSI 1 radiomics features: computeRadiomics(image, mask, config) → features keyed by IBSI tag.
import type { Volume } from '../volume';
import { gldzmFeatures } from './gldzm';
import { glcmFeatures } from './glcm';
import { glrlmFeatures } from './glrlm';
import { glszmFeatures } from './glszm';
import { histogramFeatures, intensityVolumeFeatures } from './histogram';
import { localIntensityFeatures } from './local-intensity';
import { morphologyFeatures } from './morphology';
import { ngldmFeatures } from './ngldm';
import { ngtdmFeatures } from './ngtdm';
import { checkSameGrid, cropToMask, discretise, prepareRoi, RadiomicsInputError } from './roi';
import { statisticalFeatures } from './statistics';
import type { FeatureFamily, FeatureMap, RadiomicsConfig, RadiomicsResult, TextureAggregation } from './types';

export type { FeatureFamily, FeatureMap, RadiomicsConfig, RadiomicsResult, TextureAggregation } from './types';
export { RadiomicsInputError, type Discretisation } from './roi';

const ALL_FAMILIES: FeatureFamily[] = [
  'morphology', 'local_intensity', 'statistics', 'intensity_histogram', 'intensity_volume_histogram',
  'glcm', 'glrlm', 'glszm', 'gldzm', 'ngtdm', 'ngldm',
];

/** The configuration of the IBSI 1 digital phantom reference values: no interpolation, grey levels as given. */
export const IBSI_DIGITAL_PHANTOM_CONFIG: RadiomicsConfig = {
  discretisation: { method: 'none' },
  aggregations: ['2D', '2.5D', '3D'],
};

/**
 * Computes IBSI 1 features of `image` inside `mask` (mask > 0; same grid). No interpolation or
 * re-segmentation is done here; the intensity mask is also the morphological mask.
 */
export function computeRadiomics(image: Volume, mask: Volume, config: RadiomicsConfig): RadiomicsResult {
  checkSameGrid(image, mask);
  // Everything runs on the ROI's bounding box plus one voxel; local intensity, which samples the image up to
  // 6.2 mm around the ROI, reads the full image through the crop offset.
  const crop = cropToMask(image, mask, 1);
  if (!crop) {
    throw new RadiomicsInputError(`radiomics: mask${mask.source ? ` (${mask.source})` : ''} is empty (no voxel > 0); nothing to compute`);
  }
  const roi = prepareRoi(crop.image, crop.mask);
  const families = new Set(config.families ?? ALL_FAMILIES);
  const aggregations: TextureAggregation[] = config.aggregations ?? ['3D'];
  const features: FeatureMap = {};
  const add = (f: FeatureMap) => Object.assign(features, f);
  if (families.has('statistics')) add(statisticalFeatures(roi.values));
  if (families.has('morphology')) add(morphologyFeatures(roi, config.maxVoxelsForSpatialAutocorrelation ?? 20000));
  if (families.has('local_intensity')) add(localIntensityFeatures(image, roi, crop.offset));
  const texture = ['intensity_histogram', 'glcm', 'glrlm', 'glszm', 'gldzm', 'ngtdm', 'ngldm'] as const;
  if (texture.some((t) => families.has(t))) {
    const d = discretise(roi, config.discretisation);
    if (families.has('intensity_histogram')) add(histogramFeatures(d.levels, d.ng));
    if (families.has('glcm')) add(glcmFeatures(d.grey, roi.dims, d.ng, aggregations));
    if (families.has('glrlm')) add(glrlmFeatures(d.grey, roi.dims, d.ng, aggregations));
    if (families.has('glszm')) add(glszmFeatures(d.grey, roi.dims, d.ng, aggregations));
    if (families.has('gldzm')) add(gldzmFeatures(d.grey, roi.dims, d.ng, aggregations, roi.inRoi));
    if (families.has('ngtdm')) add(ngtdmFeatures(d.grey, roi.dims, d.ng, aggregations));
    if (families.has('ngldm')) add(ngldmFeatures(d.grey, roi.dims, d.ng, aggregations));
  }
  if (families.has('intensity_volume_histogram')) {
    const dv = config.ivhDiscretisation ?? config.discretisation;
    const d = discretise(roi, dv);
    add(intensityVolumeFeatures(d.levels, 1));
  }
  return { features, config };
}
