// FHIR R4 in: reading files and servers, validation, mCODE STU4 facts and timeline events.
export * from './read/index';
export * from './validate/index';
export * from './structure-validator/index';
export * from './server/index';
export * from './mcode/index';
export * from './timeline/index';
