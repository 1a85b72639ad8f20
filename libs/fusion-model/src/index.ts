// The modality-module contract and registry, and the survival statistics (tested against R's survival package).
// The joint model and similar-patient search arrive with the rest of issue 6.
export * from './modality-module';
export * from './survival';
