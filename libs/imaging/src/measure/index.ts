export { connectedComponents, MeasureArgumentError, type ComponentLabels, type ComponentOptions, type Connectivity } from './components';
export {
  measureLesions, axialSliceAxis,
  type AxialDiameters, type LesionMeasurement, type LesionProvenance, type MeasureOptions,
} from './lesions';
export {
  recistResponse,
  type RecistCategory, type RecistOptions, type RecistTimepoint, type RecistTimepointResult, type TargetLesionMeasurement,
} from './recist';
