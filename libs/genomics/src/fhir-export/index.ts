export { GR_PROFILE, GenomicExportError, exportGenomicReport, type GenomicReportExport, type GenomicReportExportOptions } from './genomic-report.js';
