/**
 * The app's URLs. Keys ("Patient/x", "fhir/Observation/y") hold slashes, so they travel as one encoded path segment.
 */
export interface CitationLike {
  sourceRecordKey: string;
  elementPath?: string;
}

export function patientHref(patientKey: string): string {
  return `/patients/${encodeURIComponent(patientKey)}`;
}

export function timelineHref(patientKey: string): string {
  return `${patientHref(patientKey)}/timeline`;
}

/** The source view of a record, with the cited element highlighted when a path is given. */
export function sourceHref(citation: CitationLike): string {
  const base = `/sources/${encodeURIComponent(citation.sourceRecordKey)}`;
  return citation.elementPath ? `${base}?path=${encodeURIComponent(citation.elementPath)}` : base;
}

/**
 * A dynamic route segment as the key it stands for. Next hands params over decoded in some versions and encoded in
 * others; keys never contain "%", so decoding when one is present is safe either way.
 */
export function keyFromParam(param: string | string[] | undefined): string {
  const raw = Array.isArray(param) ? param.join('/') : (param ?? '');
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function imagingHref(patientKey: string): string {
  return `${patientHref(patientKey)}/imaging`;
}

export function boardsHref(): string {
  return '/boards';
}

export function boardHref(boardId: string): string {
  return `/boards/${encodeURIComponent(boardId)}`;
}

export function boardCaseHref(boardId: string, caseId: string): string {
  return `${boardHref(boardId)}/cases/${encodeURIComponent(caseId)}`;
}

export function boardPacketHref(boardId: string): string {
  return `${boardHref(boardId)}/packet`;
}

/** The board packet as PDF, printed by headless Chromium on the server. */
export function boardPacketPdfHref(boardId: string): string {
  return `/api/boards/${encodeURIComponent(boardId)}/packet.pdf`;
}

export function reportsHref(patientKey: string): string {
  return `${patientHref(patientKey)}/reports`;
}

export function genomicsHref(patientKey: string): string {
  return `${patientHref(patientKey)}/genomics`;
}
