// The reading half of libs/genomics (issue 5): VCF and FHIR genomic variants into one `SomaticVariant` type.
export * from './types.js';
export { VcfFormatError, recordIssue, type RecordIssue } from './errors.js';
export {
  SUPPORTED_VCF_VERSIONS,
  VcfHeaderParser,
  assemblyEvidence,
  assemblyFromName,
  metaValues,
  parseHeaderText,
  parseStructuredValue,
  resolveAssembly,
  type AssemblyEvidence,
  type ContigDefinition,
  type FieldDefinition,
  type MetaLine,
  type VcfHeader,
  type VcfVersion,
} from './header.js';
export { infoFlag, infoNumber, infoNumbers, infoRaw, infoString, parseVcfRecord, sampleFields, sampleNumbers, type VcfRecord } from './record.js';
export { detectCompression, openVcf, readLineBatches, readLines, type OpenVcfOptions, type VcfCompression, type VcfFile, type VcfLineBatch } from './reader.js';
export { formatRegion, parseRegion, queryRegion, type GenomicRegion, type RegionQuery } from './tabix.js';
export {
  classifySmallVariant,
  isSequenceAllele,
  makeVariantKey,
  normalizeAlleles,
  normalizeChromosome,
  splitMultiallelic,
  variantKeyString,
  type SplitVcfRecord,
} from './normalize.js';
export { BreakendJoiner, isBreakendAlt, isSymbolicAlt, parseBreakendAlt, structuralVariantType } from './sv.js';
export { detectConvention, readSampleEvidence, selectSamples, type ChosenSample, type SampleChoice, type SampleSelectionOptions } from './samples.js';
export { annotationLayouts, chooseAnnotation, chooseRecordAnnotation, readAnnotations, vepAlleleStrings, type AnnotationLayout } from './annotations.js';
export {
  MAX_RECORD_ISSUES,
  VariantAssembler,
  openVariantReader,
  passesFilter,
  readSomaticVariants,
  variantProvenance,
  type FilterPolicy,
  type VariantReadOptions,
  type VariantReadSummary,
  type VariantReader,
} from './somatic-variants.js';
export { FhirVariantError, readFhirVariants, refSeqAccession, refSeqChromosome, type FhirVariantResult } from './fhir-variants.js';
