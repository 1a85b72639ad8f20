// Which FHIR DiagnosticReports are pathology reports whose text the pathology extraction reads (the FHIR import
// extracts them automatically). A report counts when its category or its code says so:
// - category: HL7 v2-0074 SP (surgical pathology), PAT (pathology), CP (cytopathology); LOINC LP7839-6 (Pathology,
//   the category the HL7 cancer-reporting and IHE SDC/eCC guides use);
// - code (LOINC): 11526-1 Pathology study, 11529-5 Surgical pathology study, 60567-5 Comprehensive pathology report
//   panel, 60568-3 Pathology Synoptic report, 22637-3 Pathology report final diagnosis, 22634-0 … gross observation,
//   22635-7 … microscopic observation, 22639-9 … supplemental reports (addenda), 66117-3 … frozen section.
// Genetics reports (v2-0074 GE, LOINC 51969-4 / 81247-9) are left to the genomics mapping, which reads their
// structured variant Observations; extracting their text too would state each variant twice.
const V2_0074 = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const LOINC = 'http://loinc.org';

export const PATHOLOGY_REPORT_CATEGORIES: readonly { system: string; code: string; display: string }[] = [
  { system: V2_0074, code: 'SP', display: 'Surgical Pathology' },
  { system: V2_0074, code: 'PAT', display: 'Pathology (gross & histopath, not surgical)' },
  { system: V2_0074, code: 'CP', display: 'Cytopathology' },
  { system: LOINC, code: 'LP7839-6', display: 'Pathology' },
];

export const PATHOLOGY_REPORT_LOINC_CODES: readonly { code: string; display: string }[] = [
  { code: '11526-1', display: 'Pathology study' },
  { code: '11529-5', display: 'Surgical pathology study' },
  { code: '60567-5', display: 'Comprehensive pathology report panel' },
  { code: '60568-3', display: 'Pathology Synoptic report' },
  { code: '22637-3', display: 'Pathology report final diagnosis Narrative' },
  { code: '22634-0', display: 'Pathology report gross observation Narrative' },
  { code: '22635-7', display: 'Pathology report microscopic observation Narrative' },
  { code: '22639-9', display: 'Pathology report supplemental reports Narrative' },
  { code: '66117-3', display: 'Pathology report frozen section Narrative' },
];

interface CodingLike {
  system?: unknown;
  code?: unknown;
}
const codings = (concept: unknown): CodingLike[] => {
  const list = concept && typeof concept === 'object' ? (concept as { coding?: unknown }).coding : undefined;
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === 'object') as CodingLike[]) : [];
};

/** True for a DiagnosticReport that a category or code above marks as a pathology report. */
export function isPathologyDiagnosticReport(resource: unknown): boolean {
  if (!resource || typeof resource !== 'object' || (resource as { resourceType?: unknown }).resourceType !== 'DiagnosticReport') return false;
  const { category, code } = resource as { category?: unknown; code?: unknown };
  const categories = Array.isArray(category) ? category.flatMap(codings) : codings(category);
  if (categories.some((c) => PATHOLOGY_REPORT_CATEGORIES.some((p) => p.system === c.system && p.code === c.code))) return true;
  return codings(code).some((c) => c.system === LOINC && PATHOLOGY_REPORT_LOINC_CODES.some((p) => p.code === c.code));
}

/** True when the report carries text the extraction can read (a conclusion or a presentedForm). */
export function hasReportText(resource: unknown): boolean {
  const r = resource as { conclusion?: unknown; presentedForm?: unknown };
  return (typeof r.conclusion === 'string' && r.conclusion.trim() !== '') || (Array.isArray(r.presentedForm) && r.presentedForm.length > 0);
}
