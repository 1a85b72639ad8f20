// mCODE STU4 resources → typed facts, each citing the record and element it came from.
export { mapResourceToFacts } from './map-resource';
export { patientDemographicsOf } from './patient';
export { recognizeResource, type Recognized } from './recognize';
export { resolveElementPath, resolveJsonPath } from './element-path';
export { linkStagingFacts } from './staging-links';
export * from './types';
