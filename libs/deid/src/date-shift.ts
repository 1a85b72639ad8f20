// Calendar-day shifts of FHIR and DICOM date values. Only the calendar date moves: the time of day and the time
// zone stay as written, so the interval between two shifted values of one patient is exactly the original one.
// Partial dates keep their precision: a year-month moves its 15th, a year its 1 July, then the precision is cut
// back (so intervals between partial dates are kept only approximately).

const DAY_MS = 86_400_000;

/** y-m-d plus `days`, as [year, month, day]; undefined when the date does not exist (e.g. 2023-02-30). */
export function addDays(year: number, month: number, day: number, days: number): [number, number, number] | undefined {
  const t = Date.UTC(year, month - 1, day);
  const check = new Date(t);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear keeps them as written.
  check.setUTCFullYear(year);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const shifted = new Date(check.getTime() + days * DAY_MS);
  return [shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate()];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Whole days from a to b (ISO YYYY-MM-DD strings). */
export function daysBetween(a: string, b: string): number {
  const [ay, am, ad] = a.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = b.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / DAY_MS);
}

const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(T.*)?$/;

/**
 * Shifts a FHIR date, dateTime or instant by `days` (YYYY, YYYY-MM, YYYY-MM-DD, with or without a time part).
 * Returns undefined for a value that is not a valid date (the caller removes it rather than keep it verbatim).
 */
export function shiftFhirDate(value: string, days: number): string | undefined {
  const m = FHIR_DATE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (m[2] === undefined) {
    const s = addDays(year, 7, 1, days);
    return s && m[4] === undefined ? pad(s[0], 4) : undefined;
  }
  const month = Number(m[2]);
  if (m[3] === undefined) {
    const s = addDays(year, month, 15, days);
    return s && m[4] === undefined ? `${pad(s[0], 4)}-${pad(s[1])}` : undefined;
  }
  const s = addDays(year, month, Number(m[3]), days);
  if (!s) return undefined;
  return `${pad(s[0], 4)}-${pad(s[1])}-${pad(s[2])}${m[4] ?? ''}`;
}

/** Shifts a DICOM DA (YYYYMMDD; also the old YYYY.MM.DD) by `days`; undefined when not a valid date. */
export function shiftDicomDate(value: string, days: number): string | undefined {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const s = addDays(Number(m[1]), Number(m[2]), Number(m[3]), days);
  return s && `${pad(s[0], 4)}${pad(s[1])}${pad(s[2])}`;
}

/**
 * Shifts a DICOM DT (YYYY[MM[DD[HH[MM[SS[.F]]]]]][&ZZXX]) by `days`; the time and offset stay. Values with
 * only a year or year-month are shifted by their middle day, like FHIR partial dates.
 */
export function shiftDicomDateTime(value: string, days: number): string | undefined {
  const m = /^(\d{4})(\d{2})?(\d{2})?(.*)$/.exec(value.trim());
  if (!m) return undefined;
  const rest = m[4] ?? '';
  if (!/^(\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?)?([+-]\d{4})?$/.test(rest)) return undefined;
  if (m[2] === undefined) {
    const s = addDays(Number(m[1]), 7, 1, days);
    return s && `${pad(s[0], 4)}${rest}`;
  }
  if (m[3] === undefined) {
    const s = addDays(Number(m[1]), Number(m[2]), 15, days);
    return s && `${pad(s[0], 4)}${pad(s[1])}${rest}`;
  }
  const s = addDays(Number(m[1]), Number(m[2]), Number(m[3]), days);
  return s && `${pad(s[0], 4)}${pad(s[1])}${pad(s[2])}${rest}`;
}
