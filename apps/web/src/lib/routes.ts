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
