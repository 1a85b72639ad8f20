// The modality-module contract and registry. The joint model, survival statistics and similar-patient
// search arrive with issue 6.
export * from './modality-module';
