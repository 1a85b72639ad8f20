// @oncoboard/pathology: pathology and molecular-pathology reports → verbatim text, sections, findings with
// NegEx/ConText context, OncoBoard facts with character-span provenance, and sentence/report embeddings from a local
// BERT-family model through transformers.js (./embedding; default model: models/civic-bert-mini).
export { htmlToText } from './html-text';
export { readPdfTextLayer } from './pdf-text';
export {
  MAX_REPORT_CHARS,
  PathologyReportError,
  readDiagnosticReport,
  readReportFile,
  SUPPORTED_CONTENT_TYPES,
  type PathologyReportDocument,
  type ReadDiagnosticReportOptions,
  type ReportContentType,
  type ReportText,
  type TextDerivation,
} from './report-text';
export { detectSections, sectionAt, SECTION_KINDS, type ReportSection, type SectionKind } from './sections';
export { spanText, type Span } from './span';
export * from './context/index';
export { currentFindings, markSupersededFindings } from './extract/addenda';
export { extractFindings, type ExtractedReport, type ExtractOptions } from './extract/extract-findings';
export { FINDING_KINDS, type Finding, type FindingKind, type FindingValues, type PercentValue, type Presence } from './extract/finding';
export { REPORTED_GENES } from './extract/gene-alteration-findings';
export {
  findingToFact,
  HISTOLOGIC_GRADE_FACT,
  LYMPHOVASCULAR_INVASION_FACT,
  MCODE_KINDS,
  PATHOLOGY_FACT_KINDS,
  PATHOLOGY_PROCEDURE_FACT,
  PATHOLOGY_SPECIMEN_FACT,
  PathologyFactsError,
  pathologyReportRecords,
  PERINEURAL_INVASION_FACT,
  REGIONAL_LYMPH_NODES_FACT,
  REPORT_TEXT_RECORD_KIND,
  reportTextKey,
  reportTimelineEvent,
  STAGING_EDITION_FACT,
  SURGICAL_MARGIN_FACT,
  TUMOR_LATERALITY_FACT,
  TUMOR_SITE_FACT,
  type FactSource,
  type PathologyReportImport,
  type PathologyReportImportOptions,
  type ReportTextRecord,
} from './report-facts';
export * from './embedding/index';
export {
  collectPathologyFindings,
  createPathologyModule,
  defaultReportEmbedder,
  PATHOLOGY_MODULE_CODE_VERSION,
  PATHOLOGY_MODULE_ID,
  PATHOLOGY_REPORT_EMBEDDING_FACT,
  PATHOLOGY_STRUCTURED_NAMES,
  PATHOLOGY_VECTOR_GENES,
  pathologyModule,
  pathologyStructuredVector,
  reportEmbeddingFact,
  storeReportTextReader,
  type PathologyInputs,
  type PathologyModule,
  type PathologyModuleOptions,
} from './module/pathology-module';
export { hasReportText, isPathologyDiagnosticReport, PATHOLOGY_REPORT_CATEGORIES, PATHOLOGY_REPORT_LOINC_CODES } from './pathology-report-codes';
