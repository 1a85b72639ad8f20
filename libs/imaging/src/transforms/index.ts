// Public surface of the preprocessing transforms (internal helpers such as argumentError stay private).
export {
  TransformArgumentError, assertSameGrid, validateVolume, defineTransform,
  type GridSummary, type Transform, type TransformRecord, type TransformState,
} from './types';
export { orient, orientedGrid, axisCodesOf, parseAxisCodes, type AxisCodes } from './orient';
export { resample, resampledGrid, type InterpolationMode, type ResampleOptions } from './resample';
export {
  windowClip, windowPreset, windowBounds, normalize, WINDOW_PRESETS,
  type WindowClipOptions, type WindowPresetName, type NormalizeOptions,
} from './intensity';
export { cropAroundMask, cropOrPad, maskBoundingBox, extractBox } from './crop';
export { compose, type ComposedTransform } from './compose';
