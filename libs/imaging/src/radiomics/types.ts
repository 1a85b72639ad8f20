import type { Discretisation } from './roi';

/** Feature values keyed by IBSI tag (e.g. 'stat_mean', 'cm_joint_max_3D_avg'), as in the IBSI reference tables. */
export type FeatureMap = Record<string, number>;

export type FeatureFamily =
  | 'morphology'
  | 'local_intensity'
  | 'statistics'
  | 'intensity_histogram'
  | 'intensity_volume_histogram'
  | 'glcm'
  | 'glrlm'
  | 'glszm'
  | 'gldzm'
  | 'ngtdm'
  | 'ngldm';

export type TextureAggregation = '2D' | '2.5D' | '3D';

export interface RadiomicsConfig {
  /** Discretisation used by the histogram and texture families (IBSI phantom: { method: 'none' }). */
  discretisation: Discretisation;
  /** Discretisation for the intensity-volume histogram; defaults to `discretisation`. */
  ivhDiscretisation?: Discretisation;
  /** Families to compute; default all. */
  families?: FeatureFamily[];
  /** Texture aggregations to compute; default ['3D']. */
  aggregations?: TextureAggregation[];
  /**
   * Moran's I / Geary's C are O(N²) in ROI voxels; skipped above this many voxels (default 20000).
   */
  maxVoxelsForSpatialAutocorrelation?: number;
}

export interface RadiomicsResult {
  features: FeatureMap;
  config: RadiomicsConfig;
}
